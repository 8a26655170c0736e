using Microsoft.AspNetCore.Http.HttpResults;
using RainForest.Cli;
using RainForest.Core.Elastic;
using RainForest.Supervisor.Ledger;

namespace RainForest.Service.Api;

/// <summary><c>GET /v1/journal</c>: the journal, as <c>rfm log --json</c> prints it; <c>POST /v1/journal/vacuum</c>: its retention.</summary>
internal static class JournalEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/journal", Journal).WithTags("journal").WithSummary("The journal, oldest first (rfm log --json); last=N keeps the newest N, target=NAME one subOS's");
        app.MapPost("/v1/journal/vacuum", Vacuum).WithTags("journal")
            .WithSummary("Remove old entries (rfm log --vacuum-time AGE --vacuum-entries N --json): olderThan=30d, keep=N, either or both; the removal is journalled");
    }

    private static Ok<JournalVacuum> Vacuum(string? olderThan, string? keep, SupervisorAccess access)
    {
        var age = olderThan is null ? (TimeSpan?)null : DurationText.Parse(olderThan, "olderThan");
        var count = keep is null ? (int?)null : Globals.ParseCount(keep, "keep");

        // No reconcile first: like rfm log, this works on a journal that deinit kept.
        return TypedResults.Ok(access.Write(s => s.VacuumJournal(age, count), reconcile: false, requireInit: false));
    }

    private static Ok<IReadOnlyList<JournalEntry>> Journal(string? last, string? target, SupervisorAccess access)
    {
        var count = last is null ? (int?)null : Globals.ParseCount(last, "last");
        var subOs = target is null ? null : Globals.CheckName(target, "target: ");

        // deinit keeps the journal, and so does this endpoint.
        return TypedResults.Ok(access.Read(s => s.Journal(count, subOs), requireInit: false));
    }
}
