using System.CommandLine;
using RainForest.Supervisor.Json;
using RainForest.Core;
using RainForest.Supervisor.Channels;
using Spectre.Console;

namespace RainForest.Cli.Commands;

/// <summary><c>rfm channel create|ls|show|destroy</c>: FICM channels between subOSes.</summary>
internal static class ChannelCommand
{
    public static Command Build()
    {
        var channel = new Command("channel", "Shared-memory FICM channels between subOSes (at /run/rainforest/channels/NAME inside members)");
        channel.Subcommands.Add(BuildCreate());
        channel.Subcommands.Add(BuildList());
        channel.Subcommands.Add(BuildShow());
        channel.Subcommands.Add(BuildDestroy());
        return channel;
    }

    private static Command BuildCreate()
    {
        var name = new Argument<string>("name") { Description = "Channel name" };
        var members = new Option<string>("--members") { Description = "Member subOSes, comma-separated; receiver i is the i-th", Required = true };
        var mode = new Option<string>("--mode") { Description = "unicast, multicast or broadcast", DefaultValueFactory = _ => "unicast" };
        var slots = new Option<int>("--slots") { Description = "64-byte slots per receiver ring", DefaultValueFactory = _ => 1024 };
        var maxMessage = new Option<string>("--max-message") { Description = "Largest message (bytes, or 4K, 64K...)", DefaultValueFactory = _ => "4K" };
        var json = Globals.Json();
        var command = new Command("create", "Create a channel reachable only inside its members") { name, members, mode, slots, maxMessage, json };
        command.SetAction(parse =>
        {
            var channelName = Globals.CheckName(parse.GetValue(name));

            // No RemoveEmptyEntries: "a,,b" or "" is a mistake to report, not to guess around.
            var memberNames = Globals.CheckNames(parse.GetValue(members)!.Split(',', StringSplitOptions.TrimEntries), "--members: ");
            var channelMode = ChannelOptions.ParseMode(parse.GetValue(mode)!);
            var max = Globals.ParseSize(parse.GetValue(maxMessage)!, "--max-message");
            if (max.Bytes > int.MaxValue)
            {
                throw RfException.Invalid($"--max-message {max}: too large");
            }

            using var supervisor = Globals.Open(parse);
            var record = supervisor.CreateChannel(new ChannelOptions
            {
                Name = channelName,
                Members = memberNames,
                Mode = channelMode,
                Slots = parse.GetValue(slots),
                MaxMessage = (int)max.Bytes,
            });
            if (parse.GetValue(json))
            {
                Output.Json(record, RfmJsonContext.Default.ChannelRecord);
            }
            else
            {
                Console.WriteLine($"created channel {record.Name} ({record.Mode.ToText()}, {record.Slots} slots, max {new ByteSize(record.MaxMessage)}) for {string.Join(", ", record.Members.Select(m => m.SubOs))}");
            }

            return 0;
        });
        return command;
    }

    private static Command BuildList()
    {
        var json = Globals.Json();
        var command = new Command("ls", "List channels") { json };
        command.SetAction(parse =>
        {
            using var supervisor = Globals.Open(parse);
            var channels = supervisor.Channels();
            if (parse.GetValue(json))
            {
                Output.Json(channels, RfmJsonContext.Default.IReadOnlyListChannelRecord);
                return 0;
            }

            var table = Output.Table("name", "mode", "slots", "max message", "members");
            foreach (var c in channels)
            {
                table.AddRow(c.Name, c.Mode.ToText(), $"{c.Slots}", new ByteSize(c.MaxMessage).ToString(), Output.Escape(Members(c)));
            }

            Output.Write(table);
            return 0;
        });
        return command;
    }

    private static Command BuildShow()
    {
        var name = new Argument<string>("name") { Description = "Channel name" };
        var json = Globals.Json();
        var command = new Command("show", "Show one channel") { name, json };
        command.SetAction(parse =>
        {
            var channelName = Globals.CheckName(parse.GetValue(name));
            using var supervisor = Globals.Open(parse);
            var c = supervisor.Channels().FirstOrDefault(c => c.Name == channelName)
                ?? throw RfException.Invalid($"no channel named '{channelName}' (rfm channel ls lists them)");
            if (parse.GetValue(json))
            {
                Output.Json(c, RfmJsonContext.Default.ChannelRecord);
                return 0;
            }

            var table = Output.Table("field", "value");
            table.AddRow("name", c.Name);
            table.AddRow("mode", c.Mode.ToText());
            table.AddRow("slots per ring", $"{c.Slots}");
            table.AddRow("max message", new ByteSize(c.MaxMessage).ToString());
            table.AddRow("members", Output.Escape(Members(c)));
            table.AddRow("inside members", Output.Escape($"/run/rainforest/channels/{c.Name}"));
            table.AddRow("memory", Output.Escape(supervisor.State.ChannelObject(c.Name)));
            table.AddRow("created", c.Created.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            Output.Write(table);
            return 0;
        });
        return command;
    }

    private static Command BuildDestroy()
    {
        var names = new Argument<string[]>("name") { Description = "Channel name(s)", Arity = ArgumentArity.OneOrMore };
        var command = new Command("destroy", "Destroy channels and free their memory") { names };
        command.SetAction(parse =>
        {
            // Every name is checked (syntax here, existence in DestroyChannels) before the first channel goes.
            var channels = Globals.CheckNames(parse.GetValue(names)!);
            using var supervisor = Globals.Open(parse);
            supervisor.DestroyChannels(channels, name => Console.WriteLine($"destroyed channel {name}"));

            return 0;
        });
        return command;
    }

    private static string Members(ChannelRecord c) =>
        string.Join(", ", c.Members.Select(m => $"{m.SubOs}#{m.Receiver}{(m.Attached ? string.Empty : " (detached)")}"));
}
