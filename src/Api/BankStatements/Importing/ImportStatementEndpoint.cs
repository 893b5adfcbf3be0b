using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Api.Receipts;
using FlutHilfe.BankFiles;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine;
using Wolverine.Marten.Publishing;
using Wolverine.Runtime;
using Wolverine.Http;

namespace FlutHilfe.Api.BankStatements.Importing;

public static class ImportStatementEndpoint
{
    [WolverinePost("/api/bank-statements", OperationId = "importBankStatements")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Import camt.053 bank statements (XML or ZIP) and match payments by reference (treasurer)")]
    [Consumes("application/xml", "text/xml", "application/zip")]
    [UploadSizeLimit("BankStatements:UploadBytesMax", StatementUpload.DefaultSizeBytesMax)]
    [ProducesResponseType<ImportResult>(200)]
    [ProducesResponseType<ProblemDetails>(413)]
    [ProducesResponseType<ProblemDetails>(422)]
    public static async Task<ImportResult> Post(HttpRequest request, IMessageBus bus, IConfiguration configuration, TimeProvider clock, ILogger<ImportBankStatements> logger, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var files = await StatementUpload.ReadAsync(request, StatementUpload.SizeBytesMax(configuration), ct);
        logger.LogInformation("Bank statement upload read and parsed in {ParsedMs} ms", (long)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return await bus.InvokeAsync<ImportResult>(new ImportBankStatements(files, clock.GetUtcNow()), ct);
    }
}

/// <summary>
/// Plans the whole upload in memory (bulk reads, the same decisions), then writes it in transactions of bounded size, each
/// with the receipt messages it sets off (Wolverine's Marten outbox, one message context per batch), the statements
/// last. One upload at a time per node: a second waits, and then finds the first one's bookings as duplicates.
/// </summary>
public static class ImportBankStatementsHandler
{
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    public static async Task<ImportResult> Handle(ImportBankStatements command, IDocumentStore store, OutboxedSessionFactory outbox,
        IWolverineRuntime runtime, IConfiguration configuration, Infrastructure.Telemetry.BusinessMetrics metrics, ILogger<ImportBankStatements> logger, CancellationToken ct)
    {
        RefuseAmountsBeyondOneTransfer(command.Files);
        await OneAtATime.WaitAsync(ct);
        try
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            ImportPlan plan;
            await using (var query = store.QuerySession())
            {
                var batchSize = configuration.GetValue("BankStatements:ImportBatchSize", StatementImport.DefaultBatchSize);
                plan = await new StatementImport(query, command.ImportedAt) { BatchSize = Math.Max(1, batchSize) }.PlanAsync(command.Files, ct);
            }
            var planned = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            await plan.WriteAsync(OutboxedBatches(outbox, runtime), ct, locks: new AppealLocks(store));
            logger.LogInformation("Import of {Transactions} transactions ({Duplicates} duplicates): planned in {PlannedMs} ms, {Bookings} bookings written in {Batches} transactions in {WrittenMs} ms",
                plan.Result.Transactions, plan.Result.Duplicates, (long)planned.TotalMilliseconds, plan.Bookings.Count, plan.Batches,
                (long)(System.Diagnostics.Stopwatch.GetElapsedTime(started) - planned).TotalMilliseconds);
            metrics.ImportFinished(System.Diagnostics.Stopwatch.GetElapsedTime(started), plan.Result.Transactions, plan.Result.Duplicates);
            return plan.Result;
        }
        finally
        {
            OneAtATime.Release();
        }
    }

    /// <summary>Each batch a session of its own, enlisted in Wolverine's outbox with a message context of its own: its messages commit with it.</summary>
    public static OpenImportBatch OutboxedBatches(OutboxedSessionFactory outbox, IWolverineRuntime runtime) => async (messages, _) =>
    {
        var context = new MessageContext(runtime);
        var session = outbox.OpenSession(context);
        // Several payments of one donation trigger one look at its receipts (messages compare by value); the looks at many
        // donations go out in batches, each issued in one transaction.
        foreach (var message in ReceiptTriggers.Coalesce(messages.Distinct())) await context.PublishAsync(message);
        return session;
    };

    /// <summary>
    /// No booking of ours is larger than one SEPA transfer (999.999.999,99 €). Refusing larger ones up front keeps every
    /// sum of an upload (and of the funds it feeds) far from overflowing: a 422 naming the element, not a 500.
    /// </summary>
    private static void RefuseAmountsBeyondOneTransfer(IReadOnlyList<(string Name, CamtFile File)> files)
    {
        var max = Infrastructure.Json.JsonRequestValidation.CentsMagnitudeMax;
        foreach (var (name, file) in files)
        {
            foreach (var statement in file.Statements)
            {
                foreach (var entry in statement.Entries)
                {
                    var path = $"{name}!Stmt[{statement.Position}]/Ntry[{entry.Position}]";
                    if (entry.AmountCents > max || entry.Transactions.Any(t => t.AmountCents > max))
                        throw Domain.Shared.DomainException.Invalid(path + "/Amt", $"{path}: an amount beyond 999.999.999,99 € is more than one bank transfer carries.");
                }
            }
        }
    }
}
