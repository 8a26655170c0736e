using System.Security.Cryptography;
using System.Text;
using RainForest.Core;

namespace RainForest.Service.Hosting;

/// <summary>The bearer token TCP clients must send (<c>Authorization: Bearer TOKEN</c>); the Unix socket needs none.</summary>
/// <remarks>
/// The Unix socket is mode 0600, so only root reaches it; a TCP port is open to every local user (or further), so
/// every TCP request carries the token. Tokens are compared as SHA-256 digests with
/// <see cref="CryptographicOperations.FixedTimeEquals"/>: the time taken says nothing about how much of a guess was
/// right, nor about the token's length.
/// </remarks>
internal static class BearerToken
{
    /// <summary>Reads the token: the file's first line, without surrounding white space; 16 bytes at least.</summary>
    /// <exception cref="RfException">The file is missing, unreadable, or holds no usable token (exit code 2).</exception>
    public static byte[] Read(string file)
    {
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw RfException.Invalid($"--token-file {Printable.Escape(file, 200)}: {e.Message}");
        }

        var token = text.Split('\n')[0].Trim();
        if (token.Length < 16)
        {
            throw RfException.Invalid($"--token-file {Printable.Escape(file, 200)}: the token must be 16 characters or more on the first line (openssl rand -hex 32 makes one)");
        }

        return SHA256.HashData(Encoding.UTF8.GetBytes(token));
    }

    /// <summary>Whether a request may pass: any over the Unix socket; over TCP only with the right token.</summary>
    /// <param name="connection">The request's connection: a Unix socket's has no IP address.</param>
    /// <param name="authorization">Its Authorization header, if any.</param>
    /// <param name="digest">The token's digest, or null when the service listens on no TCP port.</param>
    public static bool Admits(Microsoft.AspNetCore.Http.ConnectionInfo connection, string? authorization, byte[]? digest)
    {
        if (connection.LocalIpAddress is null)
        {
            return true;
        }

        const string scheme = "Bearer ";
        if (digest is null || authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var offered = SHA256.HashData(Encoding.UTF8.GetBytes(authorization[scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(offered, digest);
    }
}
