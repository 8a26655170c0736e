namespace RainForest.Linux.Tests.Native;

/// <summary>Pseudo-terminals as SafeFileHandles: the master, its size, and telling a terminal from a pipe.</summary>
public sealed class TerminalTests
{
    [Fact]
    public void OpenPty_MasterIsATerminalAndTheSlaveExists()
    {
        var (master, slave) = Terminal.OpenPty();
        using (master)
        {
            Assert.True(Terminal.IsTerminal(master));
            Assert.StartsWith("/dev/pts/", slave, StringComparison.Ordinal);
            Assert.True(File.Exists(slave));
        }
    }

    [Fact]
    public void SetWindowSize_ThenGet_ReadsItBack()
    {
        var (master, _) = Terminal.OpenPty();
        using (master)
        {
            Terminal.SetWindowSize(master, 33, 101);

            Assert.Equal((33, 101), Terminal.GetWindowSize(master));
        }
    }

    [Fact]
    public void Pipe_IsNoTerminal()
    {
        using var pipe = Pipe.Create();

        Assert.False(Terminal.IsTerminal(pipe.Read));
        Assert.Equal((0, 0), Terminal.GetWindowSize(pipe.Read));
        Assert.Throws<RainForest.Interop.LinuxException>(() => Terminal.SetWindowSize(pipe.Read, 24, 80));
    }
}
