using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;

namespace RainForest.Service.Dashboard;

/// <summary>
/// The dashboard: <c>GET /</c> is a single page, its script, style sheet and icon are under <c>/dashboard/</c>. They are
/// compiled into rf-serve as embedded resources (from <c>Dashboard/Assets/</c>), so the service needs no files beside
/// it and the browser fetches nothing but the service's own API: no CDN.
/// </summary>
/// <remarks>
/// The files are served ahead of the bearer-token check (<see cref="Use"/> runs before it): they hold no data, and a
/// browser cannot attach a header to the request that opens a page. The data is only ever read by the page's own
/// calls to <c>/v1/…</c>, which carry the token (taken from the URL fragment, <c>/#token=…</c>, which browsers never
/// send to a server). A Content-Security-Policy limits the page to its own origin.
/// </remarks>
internal static class DashboardAssets
{
    /// <summary>The path prefix of the page's files.</summary>
    public const string Prefix = "/dashboard/";

    /// <summary>
    /// Only this origin's scripts, styles, images and API; no inline script, no frames, no forms. Styles set from the
    /// script (the owners' colours, the bars' widths) go through the CSS object model, which the policy allows.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private const string ResourcePrefix = "RainForest.Service.Dashboard.Assets.";

    private static readonly FrozenDictionary<string, DashboardAsset> s_assets = Load();

    /// <summary>Every file of the dashboard by its URL path.</summary>
    public static IReadOnlyDictionary<string, DashboardAsset> All => s_assets;

    /// <summary>The file served at <paramref name="path"/>, or null.</summary>
    public static DashboardAsset? Find(string? path) => path is not null && s_assets.TryGetValue(path, out var asset) ? asset : null;

    /// <summary>Serves the dashboard's files; every other request goes on down the pipeline. Call it before the token check.</summary>
    public static void Use(IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if ((HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) && Find(request.Path.Value) is { } asset)
        {
            await Write(context, asset).ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    });

    private static async Task Write(HttpContext context, DashboardAsset asset)
    {
        var response = context.Response;
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";

        // Revalidated on every load (a new rf-serve may carry a new page); an unchanged file costs a 304.
        headers.CacheControl = "no-cache";
        headers.ETag = asset.ETag;
        if (context.Request.Headers.IfNoneMatch.Contains(asset.ETag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        response.ContentType = asset.ContentType;
        response.ContentLength = asset.Content.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(asset.Content, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static FrozenDictionary<string, DashboardAsset> Load()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        var assets = new Dictionary<string, DashboardAsset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var file = name[ResourcePrefix.Length..];
            var path = file == "index.html" ? "/" : Prefix + file;
            var content = Read(assembly, name);
            var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..32]}\"";
            assets.Add(path, new DashboardAsset(path, ContentTypeOf(file), content, etag));
        }

        // The build embeds the files (RainForest.Service.csproj); a build that lost them must fail its tests, not serve 404s.
        return assets.ContainsKey("/") ? assets.ToFrozenDictionary(StringComparer.Ordinal)
            : throw new InvalidOperationException($"rf-serve was built without its dashboard ({ResourcePrefix}index.html is not embedded)");
    }

    private static byte[] Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static string ContentTypeOf(string file) => Path.GetExtension(file) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        var other => throw new InvalidOperationException($"dashboard asset {file}: no media type for {other}; add one here"),
    };
}
