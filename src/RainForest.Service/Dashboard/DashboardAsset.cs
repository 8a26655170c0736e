namespace RainForest.Service.Dashboard;

/// <summary>One file of the dashboard, as rf-serve carries it.</summary>
/// <param name="Path">The URL path it is served at.</param>
/// <param name="ContentType">Its media type, with the charset for text.</param>
/// <param name="Content">Its bytes.</param>
/// <param name="ETag">A strong entity tag from its content, so a browser revalidates cheaply.</param>
internal sealed record DashboardAsset(string Path, string ContentType, byte[] Content, string ETag);
