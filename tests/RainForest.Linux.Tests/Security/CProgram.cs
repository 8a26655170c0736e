using System.Diagnostics;

namespace RainForest.Linux.Tests.Security;

/// <summary>Compiles and runs a small C program with gcc, to check constants and layouts against the installed headers.</summary>
internal static class CProgram
{
    public static bool GccAvailable { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Any(dir => File.Exists(Path.Combine(dir, "gcc")));

    /// <summary>Compiles <paramref name="source"/>, runs it, and returns its "name value" lines.</summary>
    public static Dictionary<string, long> Values(string source)
    {
        var dir = Directory.CreateTempSubdirectory("rf-cprog-").FullName;
        try
        {
            var c = Path.Combine(dir, "p.c");
            var exe = Path.Combine(dir, "p");
            File.WriteAllText(c, source);
            var (code, output) = Run("gcc", "-o", exe, c);
            Assert.True(code == 0, "gcc failed:\n" + output);
            (code, output) = Run(exe);
            Assert.Equal(0, code);
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .ToDictionary(
                    line => line[..line.LastIndexOf(' ')],
                    line => long.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture),
                    StringComparer.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static (int Code, string Output) Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }
}
