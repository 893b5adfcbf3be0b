using System.Text;
using FlutHilfe.TestSupport;

namespace FlutHilfe.BankFiles.Tests;

/// <summary>Locates <c>shared/samples/camt053</c> (beside the repository: <c>../shared</c> from the repo root) and
/// builds small camt documents for negative tests.</summary>
internal static class CamtTestFiles
{
    public const string SamplesEnvVar = "FLUTHILFE_SHARED_DIR";

    private static readonly Lazy<string> Dir = new(Locate);

    public static string SamplesDirectory => Dir.Value;

    public static string Path(string fileName) => System.IO.Path.Combine(SamplesDirectory, fileName);

    public static CamtFile ParseSample(string fileName, CamtParserOptions? options = null)
    {
        using var stream = File.OpenRead(Path(fileName));
        return CamtParser.Parse(stream, options);
    }

    public static CamtFile ParseString(string xml, CamtParserOptions? options = null)
    {
        using var ms = new MemoryStream(Encoding.UTF8.GetBytes(xml));
        return CamtParser.Parse(ms, options);
    }

    public static CamtFile ParseBytes(byte[] xml, CamtParserOptions? options = null)
    {
        using var ms = new MemoryStream(xml);
        return CamtParser.Parse(ms, options);
    }

    public static CamtParserOptions Allow(params string[] currencies) =>
        new() { AllowedCurrencies = currencies.ToHashSet(StringComparer.Ordinal) };

    public const string Ns08 = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08";

    /// <summary>A minimal .08 statement; <paramref name="entries"/> is raw <c>Ntry</c> XML.</summary>
    public static string Statement(string entries, string ns = Ns08, string account = "<Id><IBAN>DE02120300000000202051</IBAN></Id>", string stmtId = "<Id>S1</Id>") =>
        $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <Document xmlns="{ns}">
          <BkToCstmrStmt>
            <GrpHdr><MsgId>M1</MsgId><CreDtTm>2025-11-28T10:00:00+01:00</CreDtTm></GrpHdr>
            <Stmt>
              {stmtId}
              <Acct>{account}<Ccy>EUR</Ccy></Acct>
              <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">0.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-11-27</Dt></Dt></Bal>
              {entries}
            </Stmt>
          </BkToCstmrStmt>
        </Document>
        """;

    public static string Entry(string amount = "10.00", string ccy = "EUR", string cdtDbt = "CRDT", string booking = "<BookgDt><Dt>2025-11-28</Dt></BookgDt>", string details = "", string? amtElement = null) =>
        $"""
        <Ntry>
          {amtElement ?? $"<Amt Ccy=\"{ccy}\">{amount}</Amt>"}
          <CdtDbtInd>{cdtDbt}</CdtDbtInd>
          <Sts><Cd>BOOK</Cd></Sts>
          {booking}
          {details}
        </Ntry>
        """;

    private static string Locate()
    {
        var fromEnv = Environment.GetEnvironmentVariable(SamplesEnvVar);
        if (!string.IsNullOrWhiteSpace(fromEnv) && Directory.Exists(System.IO.Path.Combine(fromEnv, "samples", "camt053")))
        {
            return System.IO.Path.Combine(fromEnv, "samples", "camt053");
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "samples", "camt053");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        const string fallback = "/work/shared/samples/camt053";
        return Directory.Exists(fallback)
            ? fallback
            : throw new DirectoryNotFoundException($"shared/samples/camt053 not found above {AppContext.BaseDirectory}; set {SamplesEnvVar} to the shared folder");
    }
}
