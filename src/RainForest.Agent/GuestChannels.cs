using RainForest.Channels;
using RainForest.Core;
using RainForest.Interop;
using RainForest.Linux;

namespace RainForest.Agent;

/// <summary>
/// A kernel subOS's channels: the supervisor gives the guest each channel as an ivshmem-plain PCI device, and this
/// links each device's memory (BAR 2, <c>/sys/bus/pci/devices/ADDR/resource2</c>) at
/// <c>/run/rainforest/channels/NAME</c>, where a cell member finds its channel file, so rfcom, RfCom and librfcom open
/// it the same way. The name is the label the supervisor wrote into the channel's header.
/// </summary>
/// <remarks>
/// Devices come and go while the guest runs (ACPI PCI hot-plug when a channel is created or destroyed), so a thread
/// looks every <see cref="Interval"/>; the links live on a tmpfs mounted over the read-only description's empty
/// <c>channels</c> directory. A hot-plugged device is not enabled by any driver: writing 1 to its <c>enable</c> file
/// turns its memory decoding on, without which the BAR reads as nothing.
/// </remarks>
internal static class GuestChannels
{
    /// <summary>Where the links go, as in a cell.</summary>
    public const string Directory = "/run/rainforest/channels";

    private const string PciDevices = "/sys/bus/pci/devices";

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    /// <summary>Mounts the links' tmpfs and starts the thread that keeps them in line with the devices.</summary>
    public static void Start()
    {
        try
        {
            Mounts.Mount("rfchannels", Directory, "tmpfs", Mounts.Flags.NoSuid | Mounts.Flags.NoDev | Mounts.Flags.NoExec, "mode=0755");
        }
        catch (LinuxException e)
        {
            Console.Error.WriteLine($"rf-agent: no channel directory: {e.Message}");
            return;
        }

        var thread = new Thread(Watch) { IsBackground = true, Name = "rf-channels" };
        thread.Start();
    }

    private static void Watch()
    {
        while (true)
        {
            try
            {
                Sync(Found());
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or SharedMemoryException)
            {
                Console.Error.WriteLine($"rf-agent: channels: {e.Message}");
            }

            Thread.Sleep(Interval);
        }
    }

    /// <summary>Every ivshmem device whose BAR holds a labelled channel: label to BAR file.</summary>
    private static Dictionary<string, string> Found()
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!System.IO.Directory.Exists(PciDevices))
        {
            return found;
        }

        foreach (var device in System.IO.Directory.EnumerateDirectories(PciDevices))
        {
            var bar = Path.Combine(device, "resource2");
            if (!File.Exists(bar) || Read(device, "vendor") != "0x1af4" || Read(device, "device") != "0x1110")
            {
                continue;
            }

            if (Read(device, "enable") == "0")
            {
                File.WriteAllText(Path.Combine(device, "enable"), "1");
            }

            try
            {
                if (FicmChannel.ReadLabel(bar) is { } label && SubOsName.Validate(label) is null)
                {
                    found[label] = bar;
                }
            }
            catch (SharedMemoryException)
            {
                // Going away (an unplug under way): the next look drops its link.
            }
        }

        return found;
    }

    private static void Sync(Dictionary<string, string> found)
    {
        foreach (var link in System.IO.Directory.EnumerateFileSystemEntries(Directory))
        {
            var name = Path.GetFileName(link);
            if (!found.TryGetValue(name, out var bar) || new FileInfo(link).LinkTarget != bar)
            {
                File.Delete(link);
            }
        }

        foreach (var (name, bar) in found)
        {
            var link = Path.Combine(Directory, name);
            if (!Path.Exists(link))
            {
                File.CreateSymbolicLink(link, bar);
            }
        }
    }

    private static string? Read(string device, string file)
    {
        try
        {
            return File.ReadAllText(Path.Combine(device, file)).Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }
}
