using System.Diagnostics;

namespace RainForest.Supervisor.Tests.Integration;

/// <summary>A root file system of a few host programs and the libraries they load (as ldd lists them).</summary>
internal static class MinimalRootFs
{
    public static void Build(string root, params string[] programs)
    {
        foreach (var dir in new[] { "usr/bin", "etc", "proc", "sys", "dev", "tmp", "run" })
        {
            Directory.CreateDirectory(Path.Combine(root, dir));
        }

        File.CreateSymbolicLink(Path.Combine(root, "bin"), "usr/bin");
        foreach (var program in programs)
        {
            var path = new[] { "/usr/bin", "/bin", "/usr/sbin", "/sbin" }.Select(d => Path.Combine(d, program)).First(File.Exists);
            Copy(path, Path.Combine(root, "usr/bin", program));
            foreach (var library in Libraries(path))
            {
                Copy(library, Path.Combine(root, library.TrimStart('/')));
            }
        }

        File.WriteAllText(Path.Combine(root, "etc/hosts"), "127.0.0.1 localhost\n");
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        File.Copy(File.ResolveLinkTarget(from, returnFinalTarget: true)?.FullName ?? from, to, overwrite: true);
    }

    private static IEnumerable<string> Libraries(string program)
    {
        using var ldd = Process.Start(new ProcessStartInfo("ldd", program) { RedirectStandardOutput = true })!;
        var text = ldd.StandardOutput.ReadToEnd();
        ldd.WaitForExit();
        foreach (var line in text.Split('\n'))
        {
            // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" or "/lib64/ld-linux-x86-64.so.2 (0x...)"
            var path = line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(f => f.StartsWith('/'));
            if (path is not null)
            {
                yield return path;
            }
        }
    }
}
