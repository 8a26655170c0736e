using Microsoft.AspNetCore.Http.HttpResults;
using RainForest.Cli;
using RainForest.Core;
using RainForest.Supervisor.Channels;

namespace RainForest.Service.Api;

/// <summary><c>/v1/channels</c>: FICM channels between subOSes, as <c>rfm channel</c> has them.</summary>
internal static class ChannelEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/channels").WithTags("channels");
        group.MapGet("/", List).WithSummary("Every channel (rfm channel ls --json)");
        group.MapPost("/", Create).WithSummary("Create a channel (rfm channel create)");
        group.MapGet("/{name}", Show).WithSummary("One channel (rfm channel show --json)");
        group.MapDelete("/{name}", Destroy).WithSummary("Destroy a channel (rfm channel destroy)");
    }

    private static Ok<IReadOnlyList<ChannelRecord>> List(SupervisorAccess access) => TypedResults.Ok(access.Read(s => s.Channels()));

    private static Ok<ChannelRecord> Show(string name, SupervisorAccess access)
    {
        var channel = Globals.CheckName(name);
        return TypedResults.Ok(access.Read(s => s.Channels().FirstOrDefault(c => c.Name == channel))
            ?? throw RfException.NotFound($"no channel named '{channel}' (rfm channel ls lists them)"));
    }

    private static Created<ChannelRecord> Create(CreateChannelRequest body, SupervisorAccess access)
    {
        var name = Globals.CheckName(SubOsEndpoints.Required(body.Name, "name"));
        var members = Globals.CheckNames(body.Members ?? throw RfException.Invalid("members is required"), "--members: ");
        var options = new ChannelOptions { Name = name, Members = members };
        if (body.Mode is { } mode)
        {
            options = options with { Mode = ChannelOptions.ParseMode(mode) };
        }

        if (body.Slots is { } slots)
        {
            options = options with { Slots = slots };
        }

        if (body.MaxMessage is { } text)
        {
            var max = Globals.ParseSize(text, "--max-message");
            options = options with { MaxMessage = max.Bytes <= int.MaxValue ? (int)max.Bytes : throw RfException.Invalid($"--max-message {max}: too large") };
        }

        var record = access.Write(s => s.CreateChannel(options));
        return TypedResults.Created($"/v1/channels/{record.Name}", record);
    }

    private static NoContent Destroy(string name, SupervisorAccess access)
    {
        var channel = Globals.CheckName(name);
        access.Write(s =>
        {
            s.DestroyChannels([channel]);
            return 0;
        });
        return TypedResults.NoContent();
    }
}
