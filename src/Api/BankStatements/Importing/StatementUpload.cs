using FlutHilfe.BankFiles;
using FlutHilfe.Domain.Shared;
using Microsoft.AspNetCore.Http.Features;

namespace FlutHilfe.Api.BankStatements.Importing;

/// <summary>Reads an uploaded camt.053 file or a ZIP of several, bounded in size.</summary>
public static class StatementUpload
{
    public const long DefaultSizeBytesMax = 50L * 1024 * 1024;

    /// <summary>The largest upload (<c>BankStatements:UploadBytesMax</c>, 50 MB by default).</summary>
    public static long SizeBytesMax(IConfiguration configuration) => configuration.GetValue("BankStatements:UploadBytesMax", DefaultSizeBytesMax);

    /// <summary>The body of an API request (application/xml or application/zip).</summary>
    public static async Task<IReadOnlyList<(string Name, CamtFile File)>> ReadAsync(HttpRequest request, long sizeBytesMax, CancellationToken ct)
    {
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = sizeBytesMax + 1;
        }
        return await ReadAsync(request.Body, request.ContentType, request.ContentLength, "statement.xml", sizeBytesMax, ct);
    }

    /// <summary>
    /// One upload, from the API's body or a page's file field: a ZIP (by content type, or for a file field also by the
    /// ".zip" name) of several statements, else one camt.053 XML named <paramref name="name"/>.
    /// </summary>
    public static async Task<IReadOnlyList<(string Name, CamtFile File)>> ReadAsync(Stream body, string? contentType, long? length, string name, long sizeBytesMax,
        CancellationToken ct)
    {
        if (length > sizeBytesMax) throw new CamtInputTooLargeException(sizeBytesMax);

        var options = new CamtParserOptions { MaxInputBytes = sizeBytesMax };
        var type = contentType ?? "";
        if (type.Contains("zip", StringComparison.OrdinalIgnoreCase))
        {
            // ZipArchive needs a seekable stream: buffer the (bounded) upload first.
            using var buffer = new MemoryStream();
            await CopyBoundedAsync(body, buffer, sizeBytesMax, ct);
            buffer.Position = 0;
            var files = CamtParser.ParseZip(buffer, sizeBytesMax, options);
            return files.Count == 0 ? throw DomainException.Invalid("body", "The ZIP holds no XML statement.") : files;
        }
        if (type.Contains("xml", StringComparison.OrdinalIgnoreCase))
        {
            return [(name, await CamtParser.ParseAsync(body, options, ct))];
        }
        throw new BadHttpRequestException("Send a camt.053 file as application/xml or a ZIP of several as application/zip.", StatusCodes.Status415UnsupportedMediaType);
    }

    private static async Task CopyBoundedAsync(Stream from, Stream to, long sizeBytesMax, CancellationToken ct)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await from.ReadAsync(buffer, ct)) > 0)
        {
            total += read;
            if (total > sizeBytesMax) throw new CamtInputTooLargeException(sizeBytesMax);
            await to.WriteAsync(buffer.AsMemory(0, read), ct);
        }
    }
}
