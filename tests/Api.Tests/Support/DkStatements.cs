using System.Text;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Api.Tests.Support;

/// <summary>The hand-written DK statements under BankStatements/Dk, with their placeholders filled in.</summary>
public static class DkStatements
{
    public static byte[] Load(string name, IReadOnlyDictionary<string, string> values)
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "BankStatements", "Dk", name));
        foreach (var (key, value) in values) text = text.Replace("{{" + key + "}}", value, StringComparison.Ordinal);
        if (System.Text.RegularExpressions.Regex.Match(text, @"\{\{[A-Z][A-Z0-9_:]*\}\}") is { Success: true } left)
            throw new InvalidOperationException($"{name}: the placeholder {left.Value} is not filled in.");
        return Encoding.UTF8.GetBytes(text);
    }

    /// <summary>Placeholders for pledges: <c>RF:name</c> (electronic form) and <c>RFTYPED:name</c> (as a donor types it).</summary>
    public static Dictionary<string, string> References(IReadOnlyDictionary<string, string> referenceByName)
    {
        var values = new Dictionary<string, string>();
        foreach (var (name, reference) in referenceByName)
        {
            values[$"RF:{name}"] = reference;
            values[$"RFTYPED:{name}"] = CreditorReference.Parse(reference).ToPrintString().ToLowerInvariant();
        }
        return values;
    }

    public static byte[] Continuity(string id, long seq, string date, string open, string amount, string close)
        => Load("continuity-template.camt053.001.08.xml", new Dictionary<string, string>
        {
            ["ID"] = id, ["SEQ"] = seq.ToString(System.Globalization.CultureInfo.InvariantCulture), ["DATE"] = date,
            ["OPEN"] = open, ["AMOUNT"] = amount, ["CLOSE"] = close,
        });
}
