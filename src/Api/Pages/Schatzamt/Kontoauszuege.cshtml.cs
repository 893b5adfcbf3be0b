using FlutHilfe.Api.BankStatements.Importing;
using FlutHilfe.Api.BankStatements.Listing;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Api.Pages.Infrastructure;
using FlutHilfe.Api.Pages.Intern;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.BankFiles;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine;

namespace FlutHilfe.Api.Pages.Schatzamt;

/// <summary>
/// The treasury uploads a camt.053 statement (XML, or a ZIP of several) and reads what the import did: the same
/// <see cref="ImportBankStatements"/> command as <c>POST /api/bank-statements</c>, all or nothing, idempotent.
/// </summary>
[Authorize(Roles = Roles.Treasurer)]
[RequestSizeLimit(UploadBytesMax)]
[RequestFormLimits(MultipartBodyLengthLimit = UploadBytesMax)]
public sealed class StatementsModel(IMessageBus bus, IQuerySession session, IConfiguration configuration, TimeProvider clock, ILogger<StatementsModel> logger)
    : StaffPage(logger)
{
    /// <summary>The statement limit plus room for the form around the file.</summary>
    private const long UploadBytesMax = StatementUpload.DefaultSizeBytesMax + 64 * 1024;

    /// <summary>How many recorded statements each account lists (newest first).</summary>
    public const int StatementsShown = 12;

    [BindProperty] public IFormFile? Datei { get; set; }

    public ImportResult? Result { get; private set; }
    public string? FileName { get; private set; }
    public IReadOnlyList<AccountStatementsView> Accounts { get; private set; } = [];
    public IReadOnlyDictionary<string, string> AppealTitles { get; private set; } = new Dictionary<string, string>();

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (Datei is not { Length: > 0 } file)
        {
            Refuse(nameof(Datei), "Bitte wählen Sie eine Datei: einen camt.053-Kontoauszug als XML oder mehrere als ZIP.");
        }
        else if (TypeOf(file) is not { } type)
        {
            Refuse(nameof(Datei), "Bitte eine XML-Datei (camt.053) oder eine ZIP-Datei mit solchen Kontoauszügen.");
        }
        else
        {
            FileName = Path.GetFileName(file.FileName);
            var sizeBytesMax = StatementUpload.SizeBytesMax(configuration);
            (_, Result) = await SendAsync(async () =>
            {
                await using var body = file.OpenReadStream();
                var files = await StatementUpload.ReadAsync(body, type, file.Length, FileName.Length == 0 ? "kontoauszug.xml" : FileName, sizeBytesMax, ct);
                return await bus.InvokeAsync<ImportResult>(new ImportBankStatements(files, clock.GetUtcNow()), ct);
            }, (field, problem) => new FormField(nameof(Datei), Refusal(field, problem, sizeBytesMax)));
        }
        await LoadAsync(ct);
        return Page();
    }

    /// <summary>By the file's name first (browsers send ZIPs under several types), then by the type the browser names.</summary>
    private static string? TypeOf(IFormFile file)
    {
        var name = file.FileName.ToLowerInvariant();
        if (name.EndsWith(".zip", StringComparison.Ordinal)) return "application/zip";
        if (name.EndsWith(".xml", StringComparison.Ordinal)) return "application/xml";
        var type = file.ContentType.ToLowerInvariant();
        return type.Contains("zip", StringComparison.Ordinal) ? "application/zip" : type.Contains("xml", StringComparison.Ordinal) ? "application/xml" : null;
    }

    private static string Refusal(string? field, ProblemDetails problem, long sizeBytesMax) => problem.Status switch
    {
        413 => $"Die Datei ist zu groß: höchstens {sizeBytesMax / (1024 * 1024)} MB.",
        415 => "Bitte eine XML-Datei (camt.053) oder eine ZIP-Datei mit solchen Kontoauszügen.",
        _ when field?.EndsWith("/Acct/Id/IBAN", StringComparison.Ordinal) == true
            => "Der Kontoauszug ist nicht für das Konto eines Spendenaufrufs. Bitte prüfen Sie, ob es der richtige Auszug ist.",
        _ when field?.EndsWith("/Amt", StringComparison.Ordinal) == true
            => $"Eine Buchung ist größer, als eine Überweisung sein kann ({field}).",
        _ when field == "body" => "Die ZIP-Datei enthält keinen Kontoauszug im XML-Format.",
        _ => $"Die Datei ist kein lesbarer camt.053-Kontoauszug{(field is null ? "" : $" (Stelle: {field})")}.",
    };

    private async Task LoadAsync(CancellationToken ct)
    {
        Accounts = await BankStatementsEndpoint.Get(null, null, session, ct);
        AppealTitles = (await session.Query<Appeal>().Take(100).ToListAsync(ct)).ToDictionary(a => a.AppealId, a => a.Title);
    }
}
