using RainForest.Core.Model;

namespace RainForest.Core.Tests.Model;

public class CpuRequestTests
{
    [Theory]
    [InlineData("4", 4)]
    [InlineData(" 2 ", 2)]
    [InlineData("1", 1)]
    [InlineData("8192", 8192)]
    public void Parse_Count_IsCount(string text, int count)
    {
        foreach (var relative in new[] { false, true })
        {
            var request = CpuRequest.Parse(text, relative);

            Assert.Equal(CpuRequest.RequestKind.Count, request.Kind);
            Assert.Equal(count, request.Count);
            Assert.True(request.List.IsEmpty);
            Assert.Equal(count.ToString(System.Globalization.CultureInfo.InvariantCulture), request.ToString());
        }
    }

    [Theory]
    [InlineData("0-3,8", "0-3,8", 5)]
    [InlineData("3-3", "3", 1)]
    [InlineData("2,1", "1-2", 2)]
    [InlineData(" 6-7 ", "6-7", 2)]
    public void Parse_List_IsListOfThoseCpus(string text, string cpus, int count)
    {
        foreach (var relative in new[] { false, true })
        {
            var request = CpuRequest.Parse(text, relative);

            Assert.Equal(CpuRequest.RequestKind.List, request.Kind);
            Assert.Equal(cpus, request.List.ToString());
            Assert.Equal(count, request.Count);
            Assert.Equal(cpus, request.ToString());
        }
    }

    [Theory]
    [InlineData("+2", CpuRequest.RequestKind.Add, 2)]
    [InlineData("-1", CpuRequest.RequestKind.Remove, 1)]
    [InlineData(" +12 ", CpuRequest.RequestKind.Add, 12)]
    public void Parse_RelativeAllowed_IsChange(string text, CpuRequest.RequestKind kind, int count)
    {
        var request = CpuRequest.Parse(text, allowRelative: true);

        Assert.Equal(kind, request.Kind);
        Assert.Equal(count, request.Count);
        Assert.Equal(text.Trim(), request.ToString());
    }

    [Theory]
    [InlineData("+2")]
    [InlineData("-1")]
    public void TryParse_RelativeNotAllowed_IsInvalid(string text)
    {
        Assert.False(CpuRequest.TryParse(text, allowRelative: false, out var request, out var error));

        Assert.Null(request);
        Assert.NotEmpty(error);
        Assert.Throws<FormatException>(() => CpuRequest.Parse(text, allowRelative: false));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("0")]
    [InlineData("abc")]
    [InlineData("3-1")]
    [InlineData("1,,2")]
    [InlineData("1,")]
    [InlineData(",")]
    [InlineData("-")]
    [InlineData("+")]
    [InlineData("+0")]
    [InlineData("-0")]
    [InlineData("+-3")]
    [InlineData("++3")]
    [InlineData("+a")]
    [InlineData("8193")]
    [InlineData("0-8192")]
    [InlineData("2.5")]
    [InlineData("1e3")]
    public void TryParse_Malformed_IsFalseWithAReasonThatNamesNoOption(string text)
    {
        foreach (var relative in new[] { false, true })
        {
            Assert.False(CpuRequest.TryParse(text, relative, out var request, out var error));

            Assert.Null(request);
            Assert.NotEmpty(error);
            Assert.DoesNotContain("--", error, StringComparison.Ordinal);
            var e = Assert.Throws<FormatException>(() => CpuRequest.Parse(text, relative));
            Assert.Equal($"{text}: {error}", e.Message);
        }
    }

    [Theory]
    [InlineData("abc", "expected a count (2), a list (0-3,8), or for resize +N or -N")]
    [InlineData("+0", "expected a count (2), a list (0-3,8), or for resize +N or -N")]
    [InlineData("3-1", "CPU range '3-1' runs backwards")]
    public void TryParse_Malformed_SaysWhy(string text, string reason)
    {
        Assert.False(CpuRequest.TryParse(text, allowRelative: true, out _, out var error));

        Assert.Equal(reason, error);
    }
}
