using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using RainForest.Core;

namespace RainForest.Vm.Qemu;

/// <summary>
/// A host file shared into a guest as an <c>ivshmem-plain</c> PCI device: a <c>memory-backend-file</c> with
/// <c>share=on</c> (the guest writes the file's own pages) and the device that shows it as BAR 2.
/// </summary>
/// <param name="Id">The device's QEMU id; its memory object is <see cref="MemoryId"/>.</param>
/// <param name="MemoryPath">The file (an absolute path without commas, which QEMU's option syntax would split).</param>
/// <param name="Size">The file's size: a power of two of at least a page, as a PCI BAR must be.</param>
public sealed record IvshmemDevice(string Id, string MemoryPath, long Size)
{
    /// <summary>The PCI vendor of an ivshmem device (Red Hat, Inc.) as the guest's sysfs shows it.</summary>
    public const string PciVendor = "0x1af4";

    /// <summary>The PCI device id of ivshmem.</summary>
    public const string PciDevice = "0x1110";

    /// <summary>The id of the memory object behind the device.</summary>
    public string MemoryId => Id + "-mem";

    /// <summary>The arguments that give a guest the device from its start.</summary>
    /// <exception cref="RfException">The id, path or size is not usable (exit code 2).</exception>
    public IReadOnlyList<string> CommandLine()
    {
        Validate();
        return
        [
            "-object", string.Create(CultureInfo.InvariantCulture, $"memory-backend-file,id={MemoryId},mem-path={MemoryPath},size={Size},share=on"),
            "-device", $"ivshmem-plain,id={Id},memdev={MemoryId}",
        ];
    }

    /// <summary>Adds the device to a running guest: <c>object-add</c>, then <c>device_add</c> (the memory goes again if the device is refused).</summary>
    /// <exception cref="RfException">QEMU refused (exit code 1), or the id, path or size is not usable (exit code 2).</exception>
    public void HotPlug(QmpClient qmp)
    {
        ArgumentNullException.ThrowIfNull(qmp);
        Validate();
        qmp.Execute("object-add", new JsonObject
        {
            ["qom-type"] = "memory-backend-file",
            ["id"] = MemoryId,
            ["mem-path"] = MemoryPath,
            ["size"] = Size,
            ["share"] = true,
        });
        if (!qmp.TryExecute("device_add", new JsonObject { ["driver"] = "ivshmem-plain", ["id"] = Id, ["memdev"] = MemoryId }, out _, out var error))
        {
            qmp.TryExecute("object-del", new JsonObject { ["id"] = MemoryId }, out _, out _);
            throw RfException.Failed($"QMP device_add {Id}: {error!.Class}: {error.Description}");
        }
    }

    /// <summary>
    /// Removes the device and its memory from a running guest: <c>device_del</c> asks the guest to eject it (ACPI), and
    /// the memory object can go only once the guest has let the device go, so <c>object-del</c> is retried until
    /// <paramref name="timeout"/>. True when both are gone; false when the guest kept the device (its QEMU keeps the
    /// mapping until it ends).
    /// </summary>
    public static bool Unplug(QmpClient qmp, string id, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(qmp);
        CheckId(id);
        qmp.TryExecute("device_del", new JsonObject { ["id"] = id }, out _, out _);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (qmp.TryExecute("object-del", new JsonObject { ["id"] = id + "-mem" }, out _, out var error))
            {
                return true;
            }

            // No such object: it was never added, or already went.
            if (error?.Description?.Contains("not found", StringComparison.OrdinalIgnoreCase) == true)
            {
                return true;
            }

            if (clock.Elapsed >= timeout)
            {
                return false;
            }

            Thread.Sleep(50);
        }
    }

    /// <summary>Checks a QEMU id: a letter, then letters, digits, '-', '.' or '_' (QEMU's rule), at most 60 characters.</summary>
    /// <exception cref="RfException">It is not one (exit code 2).</exception>
    public static void CheckId(string id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 60 || !char.IsAsciiLetter(id[0]) || id.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not '-' and not '.' and not '_'))
        {
            throw RfException.Invalid($"QEMU id '{id}': a letter, then letters, digits, '-', '.' or '_'");
        }
    }

    private void Validate()
    {
        CheckId(Id);
        if (!Path.IsPathRooted(MemoryPath) || MemoryPath.Contains(',', StringComparison.Ordinal))
        {
            throw RfException.Invalid($"ivshmem memory {MemoryPath}: an absolute path without commas");
        }

        if (Size < 4096 || !long.IsPow2(Size))
        {
            throw RfException.Invalid($"ivshmem memory {MemoryPath}: {Size} bytes is not a power of two of at least 4096 (a PCI BAR's size)");
        }
    }
}
