using RainForest.Core;
using RainForest.Core.Model;
using RainForest.Supervisor.Tests.Integration;

namespace RainForest.Supervisor.Tests.Security;

/// <summary>
/// The control: the few attempts that are harmless even when they succeed, run in a <c>--privileged</c>
/// subOS, where they must succeed. It shows that the attempts are real and that the guard is what stops them.
/// </summary>
[Trait("Category", "Integration")]
[Collection("kernel")]
public sealed class PrivilegedControlTests : IDisposable
{
    private const string Name = "privileged";
    private readonly CellHost _host = new();
    private readonly string _work = Directory.CreateTempSubdirectory("rf-sec-").FullName;

    public PrivilegedControlTests()
    {
        _host.Supervisor.Create(new CreateOptions { Name = Name, Cpus = CpuRequest.Parse("1", false), Memory = ByteSize.Parse("256M"), Privileged = true });
        Probe.Install(_host, Name, Probe.Build(_work));
    }

    public void Dispose()
    {
        try
        {
            _host.Dispose();
        }
        finally
        {
            Directory.Delete(_work, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Attempts.PrivilegedIds), MemberType = typeof(Attempts))]
    public void Attempt_InsidePrivilegedSubOs_Succeeds(string id)
    {
        var attempt = Attempts.Find(id);
        var expected = attempt.Privileged!;

        var (code, output) = _host.Exec(Name, "sh", "-c", "exec 2>&1; " + attempt.Script);

        Assert.True(expected.IsMetBy(code, output), $"{id} ({attempt.Title}): expected {expected.Summary}, got exit {code}: {output.Trim()}");
    }
}
