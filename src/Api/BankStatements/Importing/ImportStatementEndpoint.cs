using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Api.Infrastructure.Auth;
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
        var import = new StatementImport(session, clock.GetUtcNow());
        var result = await import.RunAsync(files, ct);
        var messages = new OutgoingMessages();
        // Several payments of one donation in one upload trigger one IssueReceipt (messages compare by value).
        messages.AddRange(import.Messages.Distinct());
        return (result, messages);
    }
}
