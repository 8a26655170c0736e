using System.Runtime.InteropServices;
using RainForest.Interop;

namespace RainForest.Linux.Tests.Native;

/// <summary>The one EINTR retry: interrupted calls run again, every other result comes back as it was.</summary>
public sealed class EintrTests
{
    [Fact]
    public void Retry_InterruptedTwice_RunsAThirdTimeAndReturnsItsResult()
    {
        var calls = 0;

        var result = Interop.Eintr.Retry(() => ++calls < 3 ? Fail(Errno.EINTR) : 7);

        Assert.Equal(7, result);
        Assert.Equal(3, calls);
    }

    [Fact]
    public void Retry_OtherError_ReturnsAtOnceWithErrnoKept()
    {
        var calls = 0;

        var result = Interop.Eintr.Retry(() =>
        {
            calls++;
            return Fail(Errno.EAGAIN);
        });

        Assert.Equal(-1, result);
        Assert.Equal(1, calls);
        Assert.Equal(Errno.EAGAIN, Interop.Errors.LastErrno());
    }

    [Fact]
    public void Retry_WithState_PassesTheStateToEachCall()
    {
        var state = 0L;

        var result = Interop.Eintr.Retry(ref state, static (ref long s) => ++s < 2 ? (nint)Fail(Errno.EINTR) : (nint)(s * 10));

        Assert.Equal(20, result);
        Assert.Equal(2, state);
    }

    private static int Fail(int errno)
    {
        Marshal.SetLastPInvokeError(errno);
        return -1;
    }
}
