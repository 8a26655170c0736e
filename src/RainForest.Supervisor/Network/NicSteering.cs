using System.Globalization;
using RainForest.Core;
using RainForest.Linux.Kernel;
using RainForest.Linux.Topology;
using RainForest.Supervisor.Ledger;

namespace RainForest.Supervisor.Network;

/// <summary>
/// Steers a passed-through NIC's IRQs to the CPUs of the subOS that owns it, so its interrupts are
/// served by that subOS's cores (the paper's PCIe pass-through with interrupt affinity), and puts
/// the old affinities back when the subOS lets go of it.
/// </summary>
public sealed class NicSteering
{
    private const string Kind = "nic-irq";
    private readonly KernelFiles _kernel;
    private readonly ResourceLedger _ledger;

    /// <summary>Creates the steering for the kernel's files (a fixture kernel in tests) and a ledger.</summary>
    public NicSteering(KernelFiles kernel, ResourceLedger ledger)
    {
        _kernel = kernel;
        _ledger = ledger;
    }

    /// <summary>Points every IRQ of <paramref name="device"/> at <paramref name="cpus"/>; returns how many were steered.</summary>
    public int Steer(string device, CpuSet cpus)
    {
        var nic = TopologyReader.Read(_kernel).NetworkInterfaces.FirstOrDefault(n => n.Name == device);
        if (nic is null)
        {
            return 0;
        }

        var steered = 0;
        foreach (var irq in nic.Irqs)
        {
            var file = AffinityFile(irq.ToString(CultureInfo.InvariantCulture));
            try
            {
                var old = _kernel.ReadText(file) ?? throw new FileNotFoundException($"IRQ {irq} vanished", file);
                _ledger.SaveHostSetting(Kind, $"{device}:{irq.ToString(CultureInfo.InvariantCulture)}", old.Trim());
                _kernel.Write(file, cpus.ToString());
                steered++;
            }
            catch (IOException)
            {
                // Managed IRQs refuse affinity changes; they stay where the kernel put them.
            }
        }

        return steered;
    }

    /// <summary>Restores the IRQ affinities saved for <paramref name="device"/>.</summary>
    public void Restore(string device)
    {
        foreach (var (kind, key, value) in _ledger.SavedHostSettings())
        {
            if (kind != Kind || !key.StartsWith(device + ":", StringComparison.Ordinal))
            {
                continue;
            }

            try
            {
                _kernel.Write(AffinityFile(key[(device.Length + 1)..]), value);
            }
            catch (IOException)
            {
                // The IRQ went away with the device.
            }

            _ledger.ForgetHostSetting(kind, key);
        }
    }

    private string AffinityFile(string irq) => _kernel.PathOf($"/proc/irq/{irq}/smp_affinity_list");
}
