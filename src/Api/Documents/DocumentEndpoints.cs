using System.Security.Claims;
using System.Security.Cryptography;
using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Domain.Shared;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Features;
using Wolverine.Http;

namespace FlutHilfe.Api.Documents;

/// <summary>An uploaded voucher (invoice scan). Kept as uploaded; only its SHA-256 goes into events.</summary>
public sealed class StoredDocument
{
    public Guid Id { get; set; }
    public string Sha256 { get; set; } = "";
    public string ContentType { get; set; } = "";
    public long SizeBytes { get; set; }
    public string FileName { get; set; } = "";
    public string? MunicipalityId { get; set; }
    public string? UploadedBy { get; set; }
    public DateTimeOffset UploadedAt { get; set; }
    public byte[] Content { get; set; } = [];
}

public sealed record DocumentReceipt(Guid DocumentId, string Sha256, string ContentType, long SizeBytes, string FileName);

public static class DocumentEndpoints
{
    public const long SizeBytesMax = 10L * 1024 * 1024;

    [WolverinePost("/api/documents", OperationId = "uploadDocument")]
    [Authorize(Roles = Roles.Municipality + "," + Roles.Treasurer)]
    [EndpointSummary("Upload a voucher document (PDF, JPEG or PNG, at most 10 MB) to attach to spending")]
    [Consumes("application/pdf", "image/jpeg", "image/png")]
    [UploadSizeLimit("", SizeBytesMax)]
    [ProducesResponseType<DocumentReceipt>(201)]
    public static async Task<IResult> Upload(HttpRequest request, string? fileName, IDocumentSession session, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = SizeBytesMax + 1;
        if (request.ContentLength > SizeBytesMax) throw new BadHttpRequestException("A document may have at most 10 MB.", 413);

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > SizeBytesMax) throw new BadHttpRequestException("A document may have at most 10 MB.", 413);
            buffer.Write(chunk, 0, read);
        }
        var document = NewDocument(buffer.ToArray(), request.ContentType, fileName, user, clock);
        session.Store(document);
        return Results.Created($"/api/documents/{document.Id}", new DocumentReceipt(document.Id, document.Sha256, document.ContentType, document.SizeBytes, document.FileName));
    }

    /// <summary>
    /// A voucher as it will be stored, from the API's body or the clerk's file field: refused when empty, when its bytes are
    /// not of its type (PDF, PNG, JPEG), or when its name has control characters; at most <see cref="SizeBytesMax"/> (the
    /// caller reads at most that much).
    /// </summary>
    public static StoredDocument NewDocument(byte[] content, string? contentTypeHeader, string? fileName, ClaimsPrincipal user, TimeProvider clock)
    {
        var contentType = (contentTypeHeader ?? "").Split(';')[0].Trim().ToLowerInvariant();
        if (content.Length == 0) throw DomainException.Invalid("body", "The document is empty.");
        if (content.Length > SizeBytesMax) throw new BadHttpRequestException("A document may have at most 10 MB.", 413);
        if (!LooksLike(contentType, content)) throw DomainException.Invalid("body", $"The content is not a {contentType} file.");
        return new StoredDocument
        {
            Id = Guid.CreateVersion7(clock.GetUtcNow()),
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(content)),
            ContentType = contentType,
            SizeBytes = content.Length,
            FileName = WithExtensionOf(contentType, Text.OptionalFileName(fileName, "fileName", 200) ?? "beleg"),
            MunicipalityId = Roles.MunicipalityOf(user),
            UploadedBy = Access.Subject(user),
            UploadedAt = clock.GetUtcNow(),
            Content = content,
        };
    }

    [WolverineGet("/api/documents/{documentId}", OperationId = "getDocument")]
    [Authorize(Roles = Roles.Treasurer + "," + Roles.Auditor + "," + Roles.Municipality)]
    [EndpointSummary("Download a voucher document as an attachment (the clerk of the municipality that uploaded it or whose spending it is attached to, treasurer, auditor)")]
    public static async Task<IResult> Download(Guid documentId, IQuerySession session, ClaimsPrincipal user, CancellationToken ct)
    {
        var document = await ReadableAsync(documentId, session, user, ct);
        // Always an attachment (never rendered inline by the browser), named after the type we checked.
        return Results.File(document.Content, document.ContentType, WithExtensionOf(document.ContentType, document.FileName));
    }

    /// <summary>The document if this user may read it (the API's download and the pages' use the same rule).</summary>
    public static async Task<StoredDocument> ReadableAsync(Guid documentId, IQuerySession session, ClaimsPrincipal user, CancellationToken ct)
    {
        var document = await session.LoadAsync<StoredDocument>(documentId, ct) ?? throw DomainException.NotFound($"No document {documentId}.");
        if (user.IsInRole(Roles.Municipality) && !await ClerkMayReadAsync(session, document, Roles.MunicipalityOf(user), ct))
            throw new ForbiddenException("This document belongs to another municipality.");
        return document;
    }

    /// <summary>A clerk reads what their municipality uploaded, or what is attached to one of its spending items.</summary>
    private static async Task<bool> ClerkMayReadAsync(IQuerySession session, StoredDocument document, string? municipalityId, CancellationToken ct)
    {
        if (municipalityId is null) return false;
        if (document.MunicipalityId == municipalityId) return true;
        var allocations = await session.Query<Domain.Allocations.Allocation>().Where(a => a.MunicipalityId == municipalityId).ToListAsync(ct);
        return allocations.Any(a => a.Items.Any(i => i.Document?.DocumentId == document.Id));
    }

    /// <summary>"rechnung" → "rechnung.pdf"; "scan.exe" as a PNG → "scan.exe.png": the extension always tells the checked type.</summary>
    public static string WithExtensionOf(string contentType, string fileName)
    {
        string[] extensions = contentType switch
        {
            "application/pdf" => [".pdf"],
            "image/png" => [".png"],
            "image/jpeg" => [".jpg", ".jpeg"],
            _ => [".bin"],
        };
        return extensions.Any(e => fileName.EndsWith(e, StringComparison.OrdinalIgnoreCase)) ? fileName : fileName + extensions[0];
    }

    /// <summary>Checks the file's magic bytes, so a renamed executable is not accepted as a PDF.</summary>
    private static bool LooksLike(string contentType, byte[] content) => contentType switch
    {
        "application/pdf" => content.AsSpan().StartsWith("%PDF-"u8),
        "image/png" => content.AsSpan().StartsWith(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }),
        "image/jpeg" => content.AsSpan().StartsWith(new byte[] { 0xFF, 0xD8, 0xFF }),
        _ => false,
    };
}
