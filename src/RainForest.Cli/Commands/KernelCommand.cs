using System.CommandLine;
using RainForest.Core;
using Spectre.Console;
using RainForest.Vm.Kernels;

namespace RainForest.Cli.Commands;

/// <summary><c>rfm kernel fetch|ls</c>: the guest kernels of kernel subOSes, in RainForest's own cache (never the host's /boot).</summary>
internal static class KernelCommand
{
    public static Command Build()
    {
        var kernel = new Command("kernel", $"Guest kernels for --backend kernel, unpacked from Debian packages into {KernelCache.DefaultRoot}");
        kernel.Subcommands.Add(BuildFetch());
        kernel.Subcommands.Add(BuildList());
        return kernel;
    }

    private static Command BuildFetch()
    {
        var package = new Argument<string>("package")
        {
            Description = $"A Debian kernel image package, or a metapackage naming one (default {KernelCache.DefaultPackage})",
            DefaultValueFactory = _ => KernelCache.DefaultPackage,
        };
        var command = new Command("fetch", "Download a kernel package (apt-get download), unpack it into the cache and verify it; a release already cached is kept") { package };
        command.SetAction(parse =>
        {
            var verbose = parse.GetValue(Globals.Verbose);
            var image = new KernelCache().Fetch(parse.GetValue(package)!, verbose ? line => Console.Error.WriteLine($"rfm: {line}") : null);
            image.Verify();
            Console.WriteLine($"{image.Release} {image.VmlinuzPath}{(image.Source is { } source ? $" ({source})" : string.Empty)}");
            return 0;
        });
        return command;
    }

    private static Command BuildList()
    {
        var command = new Command("ls", "List the cached guest kernels, newest first (the first is what --backend kernel boots)");
        command.SetAction(_ =>
        {
            var images = new KernelCache().List();
            if (images.Count == 0)
            {
                Console.WriteLine($"no kernel in {KernelCache.DefaultRoot} (rfm kernel fetch)");
                return 0;
            }

            var table = Output.Table("release", "image", "package");
            foreach (var image in images)
            {
                table.AddRow(image.Release, Output.Escape(image.VmlinuzPath), Output.Escape(image.Source ?? "-"));
            }

            Output.Write(table);
            return 0;
        });
        return command;
    }
}
