using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Api.Infrastructure.Auth;
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
    public static async Task<(ImportResult, OutgoingMessages)> Post(HttpRequest request, IDocumentSession session, IConfiguration configuration, TimeProvider clock, CancellationToken ct)
    {
        var sizeBytesMax = configuration.GetValue("BankStatements:UploadBytesMax", StatementUpload.DefaultSizeBytesMax);
        var files = await StatementUpload.ReadAsync(request, sizeBytesMax, ct);
        RefuseAmountsBeyondOneTransfer(files);
        var import = new StatementImport(session, clock.GetUtcNow());
        var result = await import.RunAsync(files, ct);
        var messages = new OutgoingMessages();
        // Several payments of one donation in one upload trigger one IssueReceipt (messages compare by value).
        messages.AddRange(import.Messages.Distinct());
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
