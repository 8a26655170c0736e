using Microsoft.AspNetCore.Http.HttpResults;
using RainForest.Cli;
using RainForest.Core;
using RainForest.Core.Elastic;
using RainForest.Service.Policies;
using RainForest.Supervisor;
using RainForest.Supervisor.Json;

namespace RainForest.Service.Api;

/// <summary>
/// <c>/v1/policies</c>: the elastic policies, as <c>rfm policy set|ls|show|rm</c> keep them in the ledger, and what the
/// service's controller does with each (<c>/v1/policies/{taker}/stats</c>).
/// </summary>
/// <remarks>
/// A body is parsed with rfm's own parser (<see cref="PolicyInput"/>) before the supervisor is opened, so a bad policy is
/// refused with rfm's message and nothing is stored. A stored policy is picked up by the service's policy host at once.
/// </remarks>
internal static class PolicyEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/policies").WithTags("policies");
        group.MapGet("/", List).WithSummary("Every policy (rfm policy ls --json)");
        group.MapGet("/{taker}", Show).WithSummary("One policy (rfm policy show --json)");
        group.MapPut("/{taker}", Set).WithSummary("Store or replace the policy of a subOS (rfm policy set); the service runs it");
        group.MapDelete("/{taker}", Remove).WithSummary("Remove a policy (rfm policy rm); CPUs it lent stay where they are");
        group.MapGet("/{taker}/stats", Stats).WithSummary("What the controller has seen and done for a policy: windows, percentiles, SLO, moves, last decision");
    }

    private static Ok<IReadOnlyList<PolicyView>> List(SupervisorAccess access) =>
        TypedResults.Ok<IReadOnlyList<PolicyView>>([.. access.Read(s => s.Policies()).Select(PolicyView.Of)]);

    private static Ok<PolicyView> Show(string taker, SupervisorAccess access)
    {
        var name = Globals.CheckName(taker);
        return TypedResults.Ok(PolicyView.Of(access.Read(s => Find(s, name))));
    }

    private static Ok<PolicyView> Set(string taker, SetPolicyRequest body, SupervisorAccess access)
    {
        var spec = PolicyInput.Parse(
            taker,
            SubOsEndpoints.Required(body.Donor, "donor"),
            SubOsEndpoints.Required(body.Slo, "slo"),
            SubOsEndpoints.Required(body.Probe, "probe"),
            SubOsEndpoints.Required(body.Policy, "policy"),
            body.Window,
            body.Lt,
            body.Ut,
            body.MinCpus,
            body.MaxCpus,
            body.DonorFloor,
            body.Rate,
            body.MemoryStep,
            body.IdleShare ?? false);
        access.Write(s =>
        {
            s.SetPolicy(spec);
            return 0;
        });
        return TypedResults.Ok(PolicyView.Of(spec));
    }

    private static NoContent Remove(string taker, SupervisorAccess access)
    {
        var name = Globals.CheckName(taker);
        access.Write(s =>
        {
            _ = Find(s, name);
            s.RemovePolicy(name);
            return 0;
        });
        return TypedResults.NoContent();
    }

    private static Ok<PolicyStatsView> Stats(string taker, SupervisorAccess access, PolicyHost host, PolicyObserver observer)
    {
        var name = Globals.CheckName(taker);
        var spec = access.Read(s => Find(s, name));
        return TypedResults.Ok(observer.View(spec, host.IsRunning(spec)));
    }

    private static ElasticPolicySpec Find(RainForestSupervisor supervisor, string taker) =>
        supervisor.Policies().FirstOrDefault(p => p.Taker == taker)
            ?? throw RfException.NotFound($"'{taker}' has no policy (GET /v1/policies lists them)");
}
