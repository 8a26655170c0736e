using System.CommandLine;
using System.Globalization;
using System.Text;
using RainForest.Channels;

namespace RainForest.Rfcom;

/// <summary>
/// <c>rfcom</c>: the channels of a subOS from its shell. A subOS's channels are files under
/// <c>/run/rainforest/channels</c>; this tool lists them, writes a message, and reads messages as text lines.
/// </summary>
/// <remarks>
/// Programs use the channel library (or its C API) directly; this tool is for scripts, the demo and
/// a first look. Exit codes: 0 done, 1 a channel failed or a read timed out, 2 usage.
/// </remarks>
internal static class RfcomApp
{
    /// <summary>Where the agent shows a subOS its channels.</summary>
    public const string DefaultDirectory = "/run/rainforest/channels";

    public static int Run(string[] args)
    {
        var directory = new Option<string>("--dir") { Description = "Channel directory", DefaultValueFactory = _ => DefaultDirectory, Recursive = true };
        var root = new RootCommand("rfcom: list, send and receive FICM channel messages inside a subOS") { directory };
        root.Subcommands.Add(BuildList(directory));
        root.Subcommands.Add(BuildSend(directory));
        root.Subcommands.Add(BuildReceive(directory));
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            Console.Error.WriteLine($"rfcom: {parse.Errors[0].Message} (rfcom --help for usage)");
            return 2;
        }

        try
        {
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"rfcom: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is SharedMemoryException or ChannelFormatException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"rfcom: {e.Message}");
            return 1;
        }
    }

    private static Command BuildList(Option<string> directory)
    {
        var command = new Command("ls", "List the channels this subOS belongs to");
        command.SetAction(parse =>
        {
            var dir = parse.GetValue(directory)!;
            if (!Directory.Exists(dir))
            {
                Console.Error.WriteLine($"rfcom: {dir}: no channel directory (not inside a subOS?)");
                return 1;
            }

            foreach (var path in Directory.GetFiles(dir).Order(StringComparer.Ordinal))
            {
                using var channel = FicmChannel.Open(path);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{Path.GetFileName(path)}  {channel.Mode.ToString().ToLowerInvariant()}  receivers {channel.ReceiverCount}  slots {channel.SlotsPerRing}  max {channel.MaxMessageSize} B"));
            }

            return 0;
        });
        return command;
    }

    private static Command BuildSend(Option<string> directory)
    {
        var name = new Argument<string>("channel") { Description = "Channel name (a file in the channel directory)" };
        var words = new Argument<string[]>("message") { Description = "The message; without it, each line of stdin is one message", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("send", "Write one message (or one per stdin line)") { name, words };
        command.SetAction(parse =>
        {
            using var channel = FicmChannel.Open(PathOf(parse.GetValue(directory)!, parse.GetValue(name)!));
            var message = parse.GetValue(words) ?? [];
            if (message.Length > 0)
            {
                Send(channel, string.Join(' ', message));
                return 0;
            }

            while (Console.In.ReadLine() is { } line)
            {
                Send(channel, line);
            }

            return 0;
        });
        return command;
    }

    private static Command BuildReceive(Option<string> directory)
    {
        var name = new Argument<string>("channel") { Description = "Channel name" };
        var count = new Option<int>("--count", "-n") { Description = "Messages to read before exiting (0: until the timeout)", DefaultValueFactory = _ => 1 };
        var receiver = new Option<int>("--receiver", "-r") { Description = "Receiver ring to read (member i of a multicast or broadcast channel is receiver i; unicast has 0)", DefaultValueFactory = _ => 0 };
        var timeout = new Option<double>("--timeout", "-t") { Description = "Seconds to wait for each message", DefaultValueFactory = _ => 10 };
        var command = new Command("recv", "Read messages and print each as a line") { name, count, receiver, timeout };
        command.SetAction(parse =>
        {
            var wanted = parse.GetValue(count);
            var seconds = parse.GetValue(timeout);
            if (wanted < 0 || seconds <= 0 || double.IsNaN(seconds) || seconds > TimeSpan.MaxValue.TotalSeconds)
            {
                throw new UsageException("--count must be 0 or more and --timeout more than 0 seconds");
            }

            using var channel = FicmChannel.Open(PathOf(parse.GetValue(directory)!, parse.GetValue(name)!));
            var index = parse.GetValue(receiver);
            if (index < 0 || index >= channel.ReceiverCount)
            {
                throw new UsageException($"--receiver {index}: the channel has receivers 0 to {channel.ReceiverCount - 1}");
            }

            // A sleeping reader: the shell that runs this is no latency test, and it must not burn its CPU.
            using var reader = channel.OpenReader(index, new FicmWaitOptions { WaitMode = FicmWaitMode.SpinThenSleep, SpinDuration = TimeSpan.FromMicroseconds(50) });
            var buffer = new byte[channel.MaxMessageSize];
            for (var read = 0; wanted == 0 || read < wanted; read++)
            {
                using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
                int length;
                try
                {
                    length = reader.Read(buffer, cancel.Token);
                }
                catch (OperationCanceledException)
                {
                    if (wanted == 0)
                    {
                        return 0;
                    }

                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rfcom: no message within {seconds} s ({read} of {wanted} read)"));
                    return 1;
                }

                Console.WriteLine(Encoding.UTF8.GetString(buffer, 0, length));
            }

            return 0;
        });
        return command;
    }

    private static void Send(FicmChannel channel, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (bytes.Length > channel.MaxMessageSize)
        {
            throw new UsageException($"message of {bytes.Length} bytes is larger than the channel's {channel.MaxMessageSize}");
        }

        channel.Writer.Write(bytes);
    }

    /// <summary>A channel name is one file name in the directory: nothing may lead out of it.</summary>
    internal static string PathOf(string directory, string name) =>
        name.Length == 0 || name is "." or ".." || name.Contains('/', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal)
            ? throw new UsageException($"'{name}' is not a channel name")
            : Path.Combine(directory, name);
}
