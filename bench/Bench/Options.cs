using System.Globalization;

namespace FlutHilfe.Bench;

internal sealed class UsageException(string message) : Exception(message);

/// <summary>`--name value` pairs; every option takes exactly one value.</summary>
internal sealed class Options
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public static Options Parse(IEnumerable<string> args)
    {
        var options = new Options();
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var name = e.Current;
            if (!name.StartsWith("--", StringComparison.Ordinal) || name.Length < 3) throw new UsageException($"expected --option, got '{name}'");
            if (!e.MoveNext()) throw new UsageException($"{name} needs a value");
            options._values[name[2..]] = e.Current;
        }
        return options;
    }

    public string? Text(string name)
    {
        _read.Add(name);
        return _values.GetValueOrDefault(name);
    }

    public string Required(string name) => Text(name) ?? throw new UsageException($"--{name} is required");

    public int Int(string name, int fallback, int min = 0)
    {
        var text = Text(name);
        if (text is null) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min)
            throw new UsageException($"--{name} must be an integer >= {min}, got '{text}'");
        return value;
    }

    public Uri Url(string name, string? fallback = null)
    {
        var text = (Text(name) ?? fallback ?? throw new UsageException($"--{name} is required")).TrimEnd('/');
        return Uri.TryCreate(text + "/", UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new UsageException($"--{name} must be an http(s) URL, got '{text}'");
    }

    /// <summary>Call after reading every option: an unknown option is a typo, not something to ignore.</summary>
    public void RejectUnknown()
    {
        var unknown = _values.Keys.Where(k => !_read.Contains(k)).ToList();
        if (unknown.Count > 0) throw new UsageException($"unknown option(s): {string.Join(", ", unknown.Select(u => "--" + u))}");
    }
}
