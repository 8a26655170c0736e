using System.Text.Json.Nodes;
using RainForest.Core;
using RainForest.Vm.Qemu;

namespace RainForest.Vm.Tests.Qemu;

public sealed class IvshmemDeviceTests
{
    private const string Ok = """{"return": {}}""";

    private static readonly IvshmemDevice s_device = new("rfch-orders", "/dev/shm/rainforest/members/k1/orders", 1 << 20);

    [Fact]
    public void CommandLine_SharedFileBackendAndPlainDevice()
    {
        Assert.Equal(
        [
            "-object", "memory-backend-file,id=rfch-orders-mem,mem-path=/dev/shm/rainforest/members/k1/orders,size=1048576,share=on",
            "-device", "ivshmem-plain,id=rfch-orders,memdev=rfch-orders-mem",
        ], s_device.CommandLine());
    }

    [Fact]
    public void Build_WithSharedMemory_DevicesBeforeExtraArguments()
    {
        var args = QemuCommandLine.Build(new QemuOptions { KernelPath = "/k", SharedMemory = [s_device], ExtraArguments = ["-daemonize"] });
        Assert.Equal(["-object", args[^4], "-device", "ivshmem-plain,id=rfch-orders,memdev=rfch-orders-mem", "-daemonize"], args.TakeLast(5));
    }

    [Theory]
    [InlineData("rfch-x", "/dev/shm/a,b", 4096, "without commas")]
    [InlineData("rfch-x", "relative/file", 4096, "absolute")]
    [InlineData("rfch-x", "/dev/shm/x", 12288, "power of two")]
    [InlineData("rfch-x", "/dev/shm/x", 2048, "power of two")]
    [InlineData("9lives", "/dev/shm/x", 4096, "QEMU id")]
    [InlineData("rf ch", "/dev/shm/x", 4096, "QEMU id")]
    public void CommandLine_BadInput_RefusedAsInvalid(string id, string path, long size, string fragment)
    {
        var error = Assert.Throws<RfException>(() => new IvshmemDevice(id, path, size).CommandLine());
        Assert.Equal(2, error.ExitCode);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HotPlug_ObjectAddThenDeviceAdd_WithTypedArguments()
    {
        using var server = new FakeQmpServer(_ => Ok);
        using (var qmp = QmpClient.Connect(server.SocketPath, TimeSpan.FromSeconds(5)))
        {
            s_device.HotPlug(qmp);
        }

        Assert.Equal(["object-add", "device_add"], server.Names());
        var add = server.Commands.First(c => c["execute"]!.GetValue<string>() == "object-add")["arguments"]!;
        Assert.Equal("memory-backend-file", add["qom-type"]!.GetValue<string>());
        Assert.Equal("rfch-orders-mem", add["id"]!.GetValue<string>());
        Assert.Equal(s_device.MemoryPath, add["mem-path"]!.GetValue<string>());
        Assert.Equal(1L << 20, add["size"]!.GetValue<long>());
        Assert.True(add["share"]!.GetValue<bool>());
        var device = server.Commands.First(c => c["execute"]!.GetValue<string>() == "device_add")["arguments"]!;
        Assert.Equal("ivshmem-plain", device["driver"]!.GetValue<string>());
        Assert.Equal("rfch-orders-mem", device["memdev"]!.GetValue<string>());
    }

    [Fact]
    public void HotPlug_DeviceRefused_MemoryRemovedAgainAndFailure()
    {
        using var server = new FakeQmpServer(c => c["execute"]!.GetValue<string>() == "device_add"
            ? """{"error": {"class": "GenericError", "desc": "Bus 'pci.0' does not support hotplugging"}}""" : Ok);
        RfException error;
        using (var qmp = QmpClient.Connect(server.SocketPath, TimeSpan.FromSeconds(5)))
        {
            error = Assert.Throws<RfException>(() => s_device.HotPlug(qmp));
        }

        Assert.Equal(1, error.ExitCode);
        Assert.Contains("does not support hotplugging", error.Message, StringComparison.Ordinal);
        Assert.Equal(["object-add", "device_add", "object-del"], server.Names());
    }

    [Fact]
    public void Unplug_MemoryInUseUntilTheGuestEjects_RetriesObjectDel()
    {
        var inUse = 3;
        using var server = new FakeQmpServer(c => c["execute"]!.GetValue<string>() == "object-del" && inUse-- > 0
            ? """{"error": {"class": "GenericError", "desc": "object 'rfch-orders-mem' is in use, can not be deleted"}}""" : Ok);
        using (var qmp = QmpClient.Connect(server.SocketPath, TimeSpan.FromSeconds(5)))
        {
            Assert.True(IvshmemDevice.Unplug(qmp, "rfch-orders", TimeSpan.FromSeconds(10)));
        }

        Assert.Equal(["device_del", "object-del", "object-del", "object-del", "object-del"], server.Names());
    }

    [Fact]
    public void Unplug_GuestNeverEjects_FalseAfterTheTimeout()
    {
        using var server = new FakeQmpServer(c => c["execute"]!.GetValue<string>() == "object-del"
            ? """{"error": {"class": "GenericError", "desc": "object 'rfch-orders-mem' is in use, can not be deleted"}}""" : Ok);
        using var qmp = QmpClient.Connect(server.SocketPath, TimeSpan.FromSeconds(5));
        Assert.False(IvshmemDevice.Unplug(qmp, "rfch-orders", TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public void Unplug_NothingThere_Done()
    {
        using var server = new FakeQmpServer(c => c["execute"]!.GetValue<string>() switch
        {
            "device_del" => """{"error": {"class": "DeviceNotFound", "desc": "Device 'rfch-orders' not found"}}""",
            _ => """{"error": {"class": "GenericError", "desc": "object 'rfch-orders-mem' not found"}}""",
        });
        using var qmp = QmpClient.Connect(server.SocketPath, TimeSpan.FromSeconds(5));
        Assert.True(IvshmemDevice.Unplug(qmp, "rfch-orders", TimeSpan.FromSeconds(10)));
    }
}
