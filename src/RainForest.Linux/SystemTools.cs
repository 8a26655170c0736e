namespace RainForest.Linux;

/// <summary>The standard programs RainForest starts (util-linux and coreutils), found in the root the caller currently sees.</summary>
public static class SystemTools
{
    private static readonly string[] s_directories = ["/usr/bin", "/bin", "/usr/sbin", "/sbin"];

    /// <summary>The path of <paramref name="name"/>, or an error that says what to install.</summary>
    /// <exception cref="FileNotFoundException">The program is in none of the standard directories.</exception>
    public static string Require(string name) =>
        Find(name)
        ?? throw new FileNotFoundException(
            $"{name} not found in /usr/bin, /bin, /usr/sbin or /sbin: an unprivileged subOS needs util-linux and coreutils (apt-get install util-linux coreutils), in its --rootfs too, or create it with --privileged");

    /// <summary>The path of <paramref name="name"/>, or null where none of the standard directories holds it.</summary>
    public static string? Find(string name) =>
        s_directories.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
}
