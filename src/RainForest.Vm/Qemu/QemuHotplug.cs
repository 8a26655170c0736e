using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using RainForest.Core;

namespace RainForest.Vm.Qemu;

/// <summary>
/// Live changes to a running guest over QMP: vCPUs plugged into the free slots of <c>-smp N,maxcpus=M</c> and
/// unplugged again, and guest memory through a virtio-mem device's <c>requested-size</c> or the balloon.
/// </summary>
/// <remarks>
/// Both ends are asynchronous in the guest: an unplugged vCPU is gone only once the guest kernel has offlined it and
/// acknowledged the ACPI eject, and virtio-mem's <c>size</c> follows <c>requested-size</c> only as fast as the guest's
/// driver plugs or frees blocks; so every change here waits for the outcome, polling, within a time limit.
/// </remarks>
public static class QemuHotplug
{
    /// <summary>The QOM id of the virtio-mem device the kernel backend gives a resizable guest.</summary>
    public const string MemoryDeviceId = "rf-mem";

    /// <summary>The QOM id of the balloon device (the fallback where the guest kernel has no virtio_mem).</summary>
    public const string BalloonId = "rf-balloon";

    /// <summary>The prefix of the QOM id of every vCPU plugged here (the rest of the id is the slot's place).</summary>
    public const string VcpuIdPrefix = "rf-vcpu";

    private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Plugs a vCPU into the first free slot and returns it with its host thread, which exists once
    /// <c>device_add</c> has answered; the guest brings it online itself.
    /// </summary>
    /// <exception cref="RfException">No slot is free (the guest's maxcpus is reached), or QEMU refused (exit code 1).</exception>
    public static QmpCpu PlugVcpu(QmpClient qmp)
    {
        ArgumentNullException.ThrowIfNull(qmp);
        var before = qmp.QueryCpus().Select(c => c.QomPath).ToHashSet(StringComparer.Ordinal);
        var slot = qmp.QueryCpuSlots().Where(s => s.QomPath is null).OrderBy(s => string.Join(',', s.Props.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value.ToString("D4", CultureInfo.InvariantCulture))), StringComparer.Ordinal).FirstOrDefault()
            ?? throw RfException.Failed("the guest has no free vCPU slot (its maxcpus is reached)");
        var arguments = new JsonObject
        {
            ["driver"] = slot.Type,
            ["id"] = VcpuIdPrefix + string.Concat(slot.Props.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => string.Create(CultureInfo.InvariantCulture, $"-{p.Value}"))),
        };
        foreach (var (key, value) in slot.Props)
        {
            arguments[key] = value;
        }

        qmp.Execute("device_add", arguments);
        return qmp.QueryCpus().FirstOrDefault(c => !before.Contains(c.QomPath))
            ?? throw RfException.Failed("QEMU accepted the new vCPU but does not list it");
    }

    /// <summary>
    /// Unplugs <paramref name="vcpu"/> (<c>device_del</c> by its QOM path) and waits until QEMU no longer lists it:
    /// the guest kernel offlines it and acknowledges the eject.
    /// </summary>
    /// <exception cref="RfException">It is the boot vCPU, QEMU refused, or the guest did not let go within <paramref name="timeout"/> (exit code 1).</exception>
    public static void UnplugVcpu(QmpClient qmp, QmpCpu vcpu, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(qmp);
        ArgumentNullException.ThrowIfNull(vcpu);
        if (vcpu.CpuIndex == 0 || vcpu.QomPath is null)
        {
            throw RfException.Failed("the boot vCPU cannot be unplugged");
        }

        qmp.Execute("device_del", new JsonObject { ["id"] = vcpu.QomPath });
        var clock = Stopwatch.StartNew();
        while (qmp.QueryCpus().Any(c => c.QomPath == vcpu.QomPath))
        {
            if (clock.Elapsed > timeout)
            {
                throw RfException.Failed($"the guest did not release vCPU {vcpu.CpuIndex} within {timeout.TotalSeconds:0} s");
            }

            Thread.Sleep(s_poll);
        }
    }

    /// <summary>The memory the virtio-mem device has plugged into the guest now (its <c>size</c>).</summary>
    public static ByteSize VirtioMemSize(QmpClient qmp)
    {
        ArgumentNullException.ThrowIfNull(qmp);
        return new ByteSize(qmp.QomGet(DevicePath(MemoryDeviceId), "size").GetInt64());
    }

    /// <summary>
    /// Asks the guest for <paramref name="plugged"/> of virtio-mem memory and waits until its driver has plugged or
    /// freed that much; on a timeout the request goes back to <paramref name="previous"/> and false is returned.
    /// </summary>
    public static bool ResizeVirtioMem(QmpClient qmp, ByteSize plugged, ByteSize previous, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(qmp);
        var path = DevicePath(MemoryDeviceId);
        qmp.QomSet(path, "requested-size", JsonValue.Create(plugged.Bytes));
        if (WaitFor(() => VirtioMemSize(qmp) == plugged, timeout))
        {
            return true;
        }

        qmp.QomSet(path, "requested-size", JsonValue.Create(previous.Bytes));
        return false;
    }

    /// <summary>The guest memory the balloon leaves the guest now (<c>query-balloon</c>'s <c>actual</c>).</summary>
    public static ByteSize BalloonActual(QmpClient qmp)
    {
        ArgumentNullException.ThrowIfNull(qmp);
        return new ByteSize(qmp.Execute("query-balloon").Deserialize(QmpJsonContext.Default.QmpBalloon)?.Actual ?? 0);
    }

    /// <summary>
    /// Inflates or deflates the balloon so the guest keeps <paramref name="memory"/>, and waits until it does; on a
    /// timeout the target goes back to <paramref name="previous"/> and false is returned.
    /// </summary>
    public static bool ResizeBalloon(QmpClient qmp, ByteSize memory, ByteSize previous, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(qmp);
        qmp.Execute("balloon", new JsonObject { ["value"] = memory.Bytes });

        // The guest's driver moves 4K pages in batches: near enough is a MiB.
        if (WaitFor(() => Math.Abs(BalloonActual(qmp).Bytes - memory.Bytes) < ByteSize.MiB, timeout))
        {
            return true;
        }

        qmp.Execute("balloon", new JsonObject { ["value"] = previous.Bytes });
        return false;
    }

    /// <summary>The QOM path of a device added with <c>-device ...,id=ID</c>.</summary>
    public static string DevicePath(string id) => "/machine/peripheral/" + id;

    private static bool WaitFor(Func<bool> done, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!done())
        {
            if (clock.Elapsed > timeout)
            {
                return false;
            }

            Thread.Sleep(s_poll);
        }

        return true;
    }
}
