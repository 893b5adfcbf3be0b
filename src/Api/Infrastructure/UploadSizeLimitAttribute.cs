namespace FlutHilfe.Api.Infrastructure;

/// <summary>
/// An endpoint that takes large uploads: the body limit comes from configuration and is raised before anything
/// reads the body (the idempotency middleware hashes it first, before the endpoint runs).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class UploadSizeLimitAttribute(string configurationKey, long defaultBytes) : Attribute
{
    public string ConfigurationKey { get; } = configurationKey;
    public long DefaultBytes { get; } = defaultBytes;

    public long LimitBytes(IConfiguration configuration)
        => ConfigurationKey.Length == 0 ? DefaultBytes : configuration.GetValue(ConfigurationKey, DefaultBytes);

    /// <summary>Raises Kestrel's body limit for this request to the endpoint's own limit (plus one byte, so "too large" is ours to say).</summary>
    public static void Apply(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<UploadSizeLimitAttribute>() is not { } limit) return;
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit.LimitBytes(context.RequestServices.GetRequiredService<IConfiguration>()) + 1;
        }
    }
}
