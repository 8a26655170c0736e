using Microsoft.AspNetCore.Http.HttpResults;
using RainForest.Cli;
using RainForest.Core;
using RainForest.Core.Model;
using RainForest.Supervisor;
using RainForest.Supervisor.Json;
using RainForest.Supervisor.Network;

namespace RainForest.Service.Api;

/// <summary><c>/v1/subos</c>: create, list, show, resize, start and destroy subOSes, as rfm's verbs do.</summary>
/// <remarks>
/// Input is checked with rfm's own parsers before the supervisor is opened, so a bad request changes nothing and is
/// refused with rfm's message. Bodies are rfm's <c>--json</c> models (<see cref="RfmJsonContext"/>).
/// </remarks>
internal static class SubOsEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/subos").WithTags("subOS");
        group.MapGet("/", List).WithSummary("Every subOS with its live state (rfm ls --json)");
        group.MapPost("/", Create).WithSummary("Create a subOS (rfm create)");
        group.MapGet("/{name}", Show).WithSummary("One subOS (rfm show --json)");
        group.MapPatch("/{name}", Resize).WithSummary("Resize a running subOS (rfm resize)");
        group.MapDelete("/{name}", Destroy).WithSummary("Destroy a subOS (rfm destroy)");
        group.MapPost("/{name}/start", Start).WithSummary("Restart a subOS whose agent died (rfm start)");
    }

    private static Ok<IReadOnlyList<SubOsStatus>> List(SupervisorAccess access) => TypedResults.Ok(access.Read(s => s.List()));

    private static Ok<SubOsStatus> Show(string name, SupervisorAccess access)
    {
        var subOs = Globals.CheckName(name);
        return TypedResults.Ok(access.Read(s => s.Show(subOs)));
    }

    private static Created<SubOsStatus> Create(CreateSubOsRequest body, SupervisorAccess access)
    {
        var options = new CreateOptions
        {
            Name = Globals.CheckName(Required(body.Name, "name")),
            Cpus = Globals.ParseCpus(Required(body.Cpus, "cpus"), allowRelative: false),
            Memory = Globals.ParseSize(Required(body.Memory, "memory"), "--memory"),
            RootFs = body.RootFs,
            Net = body.Net is { } net ? CreateOptions.ParseNet(net) : NetMode.None,
            Nics = body.Nics ?? [],
            Pids = body.Pids is { } pids ? PidsLimit.Check(pids) : null,
            Privileged = body.Privileged,
        };
        RainForestSupervisor.CheckNics(options.Nics);
        var status = access.Write(s => s.Show(s.Create(options).Name));
        return TypedResults.Created($"/v1/subos/{status.Record.Name}", status);
    }

    private static Ok<SubOsStatus> Resize(string name, ResizeSubOsRequest body, SupervisorAccess access)
    {
        var subOs = Globals.CheckName(name);
        var cpus = body.Cpus is { } c ? Globals.ParseCpus(c, allowRelative: true) : null;
        ByteSize? memory = body.Memory is { } m ? Globals.ParseSize(m, "--memory") : null;
        var pids = body.Pids is { } p ? PidsLimit.Check(p) : (long?)null;
        return TypedResults.Ok(access.Write(s => s.Show(s.Resize(subOs, cpus, memory, pids, body.Force).Name)));
    }

    private static Ok<DestroySummary> Destroy(string name, SupervisorAccess access)
    {
        var subOs = Globals.CheckName(name);
        access.Write(s =>
        {
            s.Destroy([subOs]);
            return 0;
        });
        return TypedResults.Ok(new DestroySummary([subOs]));
    }

    private static Ok<SubOsStatus> Start(string name, SupervisorAccess access)
    {
        var subOs = Globals.CheckName(name);
        return TypedResults.Ok(access.Write(s => s.Show(s.Start(subOs).Name)));
    }

    /// <summary>A field the request must carry; its absence is invalid input (400).</summary>
    internal static string Required(string? value, string field) =>
        value ?? throw RfException.Invalid($"{field} is required");
}
