namespace FlutHilfe.BankFiles;

/// <summary>The input is not an acceptable camt.053 statement: malformed XML, a DTD, a wrong root or namespace,
/// a missing required element, an invalid amount, date or code, or a currency we do not handle.</summary>
public sealed class CamtFormatException : Exception
{
    public CamtFormatException(string elementPath, string reason, int? lineNumber = null, Exception? innerException = null)
        : base(Compose(elementPath, reason, lineNumber), innerException)
    {
        ElementPath = elementPath;
        Reason = reason;
        LineNumber = lineNumber;
    }

    /// <summary>XPath-like location, e.g. <c>Document/BkToCstmrStmt/Stmt[1]/Ntry[3]/Amt</c>.</summary>
    public string ElementPath { get; }

    /// <summary>The reason without the location.</summary>
    public string Reason { get; }

    /// <summary>Line in the XML where the problem (or the enclosing entry) starts, when known.</summary>
    public int? LineNumber { get; }

    private static string Compose(string path, string reason, int? line) =>
        line is > 0 ? $"{path} (line {line}): {reason}" : $"{path}: {reason}";
}

/// <summary>The input (or the uncompressed content of a ZIP) exceeds the configured size limit.
/// The API maps this to HTTP 413.</summary>
public sealed class CamtInputTooLargeException : Exception
{
    public CamtInputTooLargeException(long limitBytes, string? what = null)
        : base($"{what ?? "camt input"} exceeds the limit of {limitBytes} bytes")
    {
        LimitBytes = limitBytes;
    }

    public long LimitBytes { get; }
}
