namespace FlutHilfe.Domain.Funds;

/// <summary>
/// An earmark decides the fund (DESIGN §3): general, municipality M, purpose P, or M + P.
/// Null means "any".
/// </summary>
public sealed record Fund(string? MunicipalityId, string? PurposeId)
{
    public static readonly Fund General = new(null, null);

    /// <summary>Stable key, e.g. <c>general</c>, <c>m:stolberg</c>, <c>p:weihnachtsfeiern</c>, <c>m:stolberg/p:weihnachtsfeiern</c>.</summary>
    public string Key => (MunicipalityId, PurposeId) switch
    {
        (null, null) => "general",
        ({ } m, null) => $"m:{m}",
        (null, { } p) => $"p:{p}",
        ({ } m, { } p) => $"m:{m}/p:{p}",
    };

    /// <summary>The fund of a stable key (the inverse of <see cref="Key"/>); unknown parts are ignored.</summary>
    public static Fund FromKey(string key)
    {
        string? municipality = null, purpose = null;
        foreach (var part in key.Split('/'))
        {
            if (part.StartsWith("m:", StringComparison.Ordinal)) municipality = part[2..];
            if (part.StartsWith("p:", StringComparison.Ordinal)) purpose = part[2..];
        }
        return new Fund(municipality, purpose);
    }

    /// <summary>Whether money of this fund may be spent by <paramref name="municipalityId"/> on <paramref name="purposeId"/>.</summary>
    public bool Permits(string municipalityId, string? purposeId)
        => (MunicipalityId is null || MunicipalityId == municipalityId)
           && (PurposeId is null || PurposeId == purposeId);

    public override string ToString() => Key;
}
