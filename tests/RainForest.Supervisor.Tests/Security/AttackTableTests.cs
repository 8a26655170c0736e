namespace RainForest.Supervisor.Tests.Security;

/// <summary>docs/security.md shows the attack table of this suite's data, not an older copy.</summary>
public sealed class AttackTableTests
{
    [Fact]
    public void Render_SecurityDoc_ContainsTheCurrentTable()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "RainForest.slnx")))
        {
            dir = Path.GetDirectoryName(dir)!;
        }

        var doc = File.ReadAllText(Path.Combine(dir, "docs/security.md")).ReplaceLineEndings("\n");

        Assert.Contains(AttackTable.Render().ReplaceLineEndings("\n"), doc, StringComparison.Ordinal);
    }
}
