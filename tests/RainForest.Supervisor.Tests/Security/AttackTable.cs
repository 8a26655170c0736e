using System.Text;

namespace RainForest.Supervisor.Tests.Security;

/// <summary>The attack table of docs/security.md, rendered from <see cref="Attempts"/>.</summary>
public static class AttackTable
{
    /// <summary>The Markdown table, one row per attempt.</summary>
    public static string Render()
    {
        var table = new StringBuilder();
        table.AppendLine("| id | group | attempt (as root inside) | unprivileged subOS (now) | before (old main) | privileged control |");
        table.AppendLine("|---|---|---|---|---|---|");
        foreach (var a in Attempts.All)
        {
            var control = a.Privileged is { } p ? $"succeeded: {p.Summary}" : string.Empty;
            table.AppendLine($"| {a.Id} | {a.Group} | {a.Title} | {a.Expected.Summary} | {a.Before} | {control} |");
        }

        return table.ToString();
    }
}
