namespace RainForest.Core.Tests.Model;

public class SubOsNameTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("web")]
    [InlineData("web-1")]
    [InlineData("0")]
    [InlineData("a0123456789012345678901234567890")]
    public void Validate_HostnameLabel_IsValid(string name)
    {
        Assert.Null(SubOsName.Validate(name));
        Assert.Equal(name, SubOsName.Check(name));
    }

    [Theory]
    [InlineData(null, "a name is required")]
    [InlineData("", "a name is required")]
    [InlineData("Web", "is invalid")]
    [InlineData("-web", "is invalid")]
    [InlineData("web-", "is invalid")]
    [InlineData("we_b", "is invalid")]
    [InlineData("we.b", "is invalid")]
    [InlineData("web 1", "is invalid")]
    [InlineData("a01234567890123456789012345678901", "longer than 32 characters")]
    [InlineData("supervisor", "is reserved")]
    [InlineData("host", "is reserved")]
    [InlineData("free", "is reserved")]
    [InlineData("all", "is reserved")]
    public void Validate_BadName_SaysWhy(string? name, string reason)
    {
        Assert.Contains(reason, SubOsName.Validate(name), StringComparison.Ordinal);
        var e = Assert.Throws<RfException>(() => SubOsName.Check(name));
        Assert.Equal(RfException.InvalidInputExitCode, e.ExitCode);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }
}
