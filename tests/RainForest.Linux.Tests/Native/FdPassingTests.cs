using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json.Serialization;
using Microsoft.Win32.SafeHandles;

namespace RainForest.Linux.Tests.Native;

/// <summary>Descriptors over a Unix socket (SCM_RIGHTS): sent as SafeHandles, received as owned SafeFileHandles.</summary>
public sealed partial class FdPassingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rf-scm-").FullName;
    private readonly Socket _client;
    private readonly Socket _server;

    public FdPassingTests()
    {
        var path = Path.Combine(_dir, "s");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        _client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _client.Connect(new UnixDomainSocketEndPoint(path));
        _server = listener.Accept();
    }

    public void Dispose()
    {
        _client.Dispose();
        _server.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void SendReceive_PipeEnd_ReceivedCopyWritesIntoTheSamePipe()
    {
        using var pipe = Pipe.Create();
        FdPassing.Send(_client, "x"u8, [pipe.Write]);
        var received = new List<SafeFileHandle>();
        var buffer = new byte[4];

        var n = FdPassing.Receive(_server, buffer, received);

        Assert.Equal(1, n);
        var copy = Assert.Single(received);
        using (copy)
        {
            Assert.NotEqual(pipe.Write.DangerousGetHandle(), copy.DangerousGetHandle());
            Pipe.WriteAll(copy, "through the copy\n");
        }

        Assert.Equal("through the copy\n", pipe.ReadLine(TimeSpan.FromSeconds(10)).Text);
    }

    [Fact]
    public void Send_TooManyDescriptors_Refused()
    {
        var many = Enumerable.Repeat<SafeHandle>(StandardStreams.Error, FdPassing.MaxFds + 1).ToArray();

        Assert.Throws<ArgumentException>(() => FdPassing.Send(_client, "x"u8, many));
    }

    [Fact]
    public void ControlChannel_FrameWithDescriptors_ArrivesWithThem()
    {
        using var pipe = Pipe.Create();
        using var sender = new ControlChannel(_client);
        using var receiver = new ControlChannel(_server);
        sender.Send(new Note { Text = "hi" }, NoteContext.Default.Note, [pipe.Write, StandardStreams.Error]);
        var fds = new List<SafeFileHandle>();

        var note = receiver.Receive(NoteContext.Default.Note, fds);

        Assert.Equal("hi", note?.Text);
        Assert.Equal(2, fds.Count);
        fds.ForEach(fd => fd.Dispose());
    }

    [Fact]
    public void ControlChannel_DescriptorsNobodyAskedFor_AreClosed()
    {
        var marker = Path.Combine(_dir, "marker");
        using var file = File.OpenHandle(marker, FileMode.CreateNew, FileAccess.Write);
        using var sender = new ControlChannel(_client);
        using var receiver = new ControlChannel(_server);
        sender.Send(new Note { Text = "hi" }, NoteContext.Default.Note, [file]);

        Assert.Equal("hi", receiver.Receive(NoteContext.Default.Note)?.Text);

        // Only the sender's own descriptor still leads to the file: the received copy was closed.
        Assert.Equal(1, DescriptorsOf(marker));
    }

    /// <summary>How many of this process's descriptors lead to <paramref name="path"/> (other tests open and close their own meanwhile).</summary>
    private static int DescriptorsOf(string path) =>
        Directory.GetFiles("/proc/self/fd").Count(fd =>
        {
            try
            {
                return new FileInfo(fd).LinkTarget == path;
            }
            catch (IOException)
            {
                return false; // closed between the listing and the look
            }
        });

    internal sealed class Note
    {
        public string Text { get; set; } = string.Empty;
    }

    [JsonSerializable(typeof(Note))]
    internal sealed partial class NoteContext : JsonSerializerContext;
}
