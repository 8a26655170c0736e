using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using RainForest.Channels.Layout;

namespace RainForest.Channels.Tests;

/// <summary>The constants and layouts C sees (include/rfcom.h, libc's struct flock) agree with the managed ones.</summary>
public sealed partial class HeaderContractTests
{
    private static readonly Dictionary<string, long> s_defines = ReadDefines();

    [Theory]
    [InlineData("RF_UNICAST", (long)FicmChannelMode.Unicast)]
    [InlineData("RF_MULTICAST", (long)FicmChannelMode.Multicast)]
    [InlineData("RF_BROADCAST", (long)FicmChannelMode.Broadcast)]
    [InlineData("RF_MAP_CREATE", (long)SharedZoneFlags.Create)]
    [InlineData("RF_MAP_READONLY", (long)SharedZoneFlags.ReadOnly)]
    [InlineData("RF_SLOT_SIZE", ChannelLayout.SlotSize)]
    [InlineData("RF_MAX_RECEIVERS", FicmChannelOptions.MaxReceivers)]
    [InlineData("RF_MAX_MESSAGE_SIZE", FicmChannelOptions.MaxMessageSizeLimit)]
    [InlineData("RF_NO_RECEIVER", -1)]
    [InlineData("RF_NONBLOCK", 1)]
    public void Define_MatchesManagedValue(string name, long expected) => Assert.Equal(expected, s_defines[name]);

    [Fact]
    public void Flock_MatchesGlibcLayout()
    {
        Assert.Equal(32, Marshal.SizeOf<Interop.Libc.Flock>());
        Assert.Equal(0, (int)Marshal.OffsetOf<Interop.Libc.Flock>(nameof(Interop.Libc.Flock.Type)));
        Assert.Equal(2, (int)Marshal.OffsetOf<Interop.Libc.Flock>(nameof(Interop.Libc.Flock.Whence)));
        Assert.Equal(8, (int)Marshal.OffsetOf<Interop.Libc.Flock>(nameof(Interop.Libc.Flock.Start)));
        Assert.Equal(16, (int)Marshal.OffsetOf<Interop.Libc.Flock>(nameof(Interop.Libc.Flock.Length)));
        Assert.Equal(24, (int)Marshal.OffsetOf<Interop.Libc.Flock>(nameof(Interop.Libc.Flock.Pid)));
    }

    [Fact]
    public void Layout_StructsHaveTheirDocumentedSizes()
    {
        Assert.Equal(ChannelLayout.HeaderSize, Marshal.SizeOf<ChannelHeader>());
        Assert.Equal(ChannelLayout.RingHeaderSize, Marshal.SizeOf<RingHeader>());
        Assert.Equal(ChannelLayout.ParticipantEntrySize, Marshal.SizeOf<ParticipantEntry>());
        Assert.Equal(0, ChannelLayout.RingsOffset % ChannelLayout.PageSize);
    }

    [Theory]
    [InlineData(nameof(RingHeader.Tail))]
    [InlineData(nameof(RingHeader.Head))]
    [InlineData(nameof(RingHeader.Released))]
    [InlineData(nameof(RingHeader.DataFutex))]
    [InlineData(nameof(RingHeader.SpaceFutex))]
    [InlineData(nameof(RingHeader.Attached))]
    public void RingHeader_HotFieldsOwnTheirCacheLines(string field)
    {
        var offset = (int)Marshal.OffsetOf<RingHeader>(field);
        var others = new[] { nameof(RingHeader.Tail), nameof(RingHeader.Head), nameof(RingHeader.Released), nameof(RingHeader.DataFutex), nameof(RingHeader.SpaceFutex), nameof(RingHeader.Attached) }
            .Where(f => f != field)
            .Select(f => (int)Marshal.OffsetOf<RingHeader>(f) / ChannelLayout.SlotSize);
        Assert.DoesNotContain(offset / ChannelLayout.SlotSize, others);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(48, 1)]
    [InlineData(49, 2)]
    [InlineData(64, 2)]
    [InlineData(112, 2)]
    [InlineData(113, 3)]
    [InlineData(1 << 20, 16385)]
    public void SlotsFor_CountsHeaderAndPayload(int length, int slots) => Assert.Equal(slots, ChannelLayout.SlotsFor(length));

    [Fact]
    public void SlotControl_RoundTripsExtremeValues()
    {
        var word = SlotControl.Make(uint.MaxValue, SlotState.Recovering, SlotControl.MaxSlots, SlotControl.MaxOwner);
        Assert.Equal(uint.MaxValue, SlotControl.Lap(word));
        Assert.Equal(SlotState.Recovering, SlotControl.State(word));
        Assert.Equal(SlotControl.MaxSlots, SlotControl.Slots(word));
        Assert.Equal(SlotControl.MaxOwner, SlotControl.Owner(word));
        Assert.True(ChannelLayout.SlotsFor(ChannelLayout.MaxMessageSizeLimit) <= SlotControl.MaxSlots);
    }

    private static Dictionary<string, long> ReadDefines()
    {
        var header = File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "src", "RainForest.Channels.Native", "include", "rfcom.h"));
        var defines = new Dictionary<string, long>();
        foreach (Match match in DefineRegex().Matches(header))
        {
            var text = match.Groups[2].Value.Trim('(', ')', ' ');
            long value;
            if (text.StartsWith("1 << ", StringComparison.Ordinal))
            {
                value = 1L << int.Parse(text[5..], CultureInfo.InvariantCulture);
            }
            else if (text.StartsWith("0x", StringComparison.Ordinal))
            {
                value = long.Parse(text[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            }
            else
            {
                value = long.Parse(text, CultureInfo.InvariantCulture);
            }

            defines[match.Groups[1].Value] = value;
        }

        return defines;
    }

    [GeneratedRegex(@"^#define (RF_[A-Z_]+) ([^/\n]+?)\s*(?:/\*.*)?$", RegexOptions.Multiline)]
    private static partial Regex DefineRegex();
}
