using System.Collections.Frozen;

namespace FlutHilfe.BankFiles;

public sealed record CamtParserOptions
{
    /// <summary>50 MB.</summary>
    public const long DefaultMaxInputBytes = 50L * 1024 * 1024;

    public static readonly IReadOnlySet<string> EurOnly = new[] { "EUR" }.ToFrozenSet(StringComparer.Ordinal);

    public static CamtParserOptions Default { get; } = new();

    /// <summary>Maximum number of bytes read from the input stream (for a ZIP: per XML file).</summary>
    public long MaxInputBytes { get; init; } = DefaultMaxInputBytes;

    /// <summary>Currencies accepted for entry amounts and <c>Acct/Ccy</c>. FlutHilfe handles EUR only; other
    /// values exist for tests against foreign fixtures. Amounts are always read with at most 2 decimals.</summary>
    public IReadOnlySet<string> AllowedCurrencies { get; init; } = EurOnly;
}
