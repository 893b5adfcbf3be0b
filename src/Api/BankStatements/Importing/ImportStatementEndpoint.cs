using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Api.Receipts;
using FlutHilfe.BankFiles;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine;
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
    public static async Task<ImportResult> Post(HttpRequest request, IMessageBus bus, IConfiguration configuration, TimeProvider clock, CancellationToken ct)
    {
        var files = await StatementUpload.ReadAsync(request, StatementUpload.SizeBytesMax(configuration), ct);
        return await bus.InvokeAsync<ImportResult>(new ImportBankStatements(files, clock.GetUtcNow()), ct);
    }
}

/// <summary>
/// Records and matches every transaction of the upload in one transaction (Wolverine's Marten middleware commits the
/// session and the outbox together), and sends what the new money sets off for receipts.
/// </summary>
public static class ImportBankStatementsHandler
{
    public static async Task<(ImportResult, OutgoingMessages)> Handle(ImportBankStatements command, IDocumentSession session, CancellationToken ct)
    {
        RefuseAmountsBeyondOneTransfer(command.Files);
        var import = new StatementImport(session, command.ImportedAt);
        var result = await import.RunAsync(command.Files, ct);
        var messages = new OutgoingMessages();
        // Several payments of one donation in one upload trigger one look at its receipts (messages compare by value);
        // the looks at many donations go out in batches, each issued in one transaction.
        messages.AddRange(ReceiptTriggers.Coalesce(import.Messages.Distinct()));
        return (result, messages);
    }

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
