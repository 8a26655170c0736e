using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using RainForest.Interop;

namespace RainForest.Channels.Native;

/// <summary>The rf_* entry points of librfcom.so; include/rfcom.h is their contract.</summary>
/// <remarks>No exception may cross into C: every entry point catches and returns a negative errno.</remarks>
internal static unsafe class Exports
{
    private const int NonBlock = 0x1;
    private const int MapCreate = 0x1;
    private const int MapReadOnly = 0x2;

    private static readonly Lock s_zonesGate = new();
    private static readonly Dictionary<nint, SharedZone> s_zones = [];

    [UnmanagedCallersOnly(EntryPoint = "rf_create")]
    private static int Create(byte* path, ChannelOptionsNative* options, int receiver, nint* channel)
    {
        try
        {
            if (path is null || options is null || channel is null)
            {
                return Errors.Fail(Errno.EINVAL, "rf_create: path, options and channel must not be NULL");
            }

            if (options->Reserved != 0)
            {
                return Errors.Fail(Errno.EINVAL, "rf_create: options.reserved must be 0");
            }

            var managed = new FicmChannelOptions
            {
                Mode = (FicmChannelMode)options->Mode,
                ReceiverCount = (int)options->Receivers,
                SlotsPerRing = (int)options->SlotsPerRing,
                MaxMessageSize = (int)options->MaxMessageSize,
                FileMode = options->FileMode == 0 ? UnixFileMode.UserRead | UnixFileMode.UserWrite : (UnixFileMode)options->FileMode,
            };
            *channel = ToHandle(RfCom.Create(Utf8(path), managed, receiver));
            return 0;
        }
        catch (Exception error)
        {
            return Errors.From(error);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "rf_open")]
    private static int Open(byte* path, int receiver, nint* channel)
    {
        try
        {
            if (path is null || channel is null)
            {
                return Errors.Fail(Errno.EINVAL, "rf_open: path and channel must not be NULL");
            }

            *channel = ToHandle(RfCom.Open(Utf8(path), receiver));
            return 0;
        }
        catch (Exception error)
        {
            return Errors.From(error);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "rf_close")]
    private static int Close(nint channel)
    {
        try
        {
            if (channel == 0)
            {
                return Errors.Fail(Errno.EBADF, "rf_close: NULL channel");
            }

            var handle = GCHandle.FromIntPtr(channel);
            var target = (RfComChannel)handle.Target!;
            handle.Free();
            RfCom.Close(target);
            return 0;
        }
        catch (Exception error)
        {
            return Errors.From(error);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "rf_write")]
    private static int Write(nint channel, byte* data, nuint length, int flags) => WriteCore(channel, data, length, null, flags);

    [UnmanagedCallersOnly(EntryPoint = "rf_write_to")]
    private static int WriteTo(nint channel, byte* data, nuint length, ulong receivers, int flags) =>
        WriteCore(channel, data, length, new ReceiverMask(receivers), flags);

    [UnmanagedCallersOnly(EntryPoint = "rf_read")]
    private static nint Read(nint channel, byte* buffer, nuint capacity, int flags)
    {
        try
        {
            var target = FromHandle(channel);
            if (target.Reader is null)
            {
                return Errors.Fail(Errno.EBADF, $"rf_read: '{target.Channel.Path}' was opened without a receiver");
            }

            if (buffer is null && capacity != 0)
            {
                return Errors.Fail(Errno.EINVAL, "rf_read: NULL buffer");
            }

            var destination = new Span<byte>(buffer, (int)Math.Min(capacity, int.MaxValue));
            while (true)
            {
                var status = target.Reader.TryReadCore(destination, out var length);
                if (status == ClaimStatus.Claimed)
                {
                    return length;
                }

                if (status == ClaimStatus.TooSmall)
                {
                    return Errors.Fail(Errno.ENOBUFS, $"rf_read: the message is {length} bytes, the buffer {destination.Length}; it stays in the channel");
                }

                if ((flags & NonBlock) != 0)
                {
                    return target.Reader.IsCompleted
                        ? Errors.Fail(Errno.EPIPE, "rf_read: the channel is completed and drained")
                        : Errors.Fail(Errno.EAGAIN, "rf_read: no message");
                }

                if (!target.Reader.WaitToRead())
                {
                    return Errors.Fail(Errno.EPIPE, "rf_read: the channel is completed and drained");
                }
            }
        }
        catch (Exception error)
        {
            return Errors.From(error);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "rf_complete")]
    private static int Complete(nint channel)
    {
        try
        {
            FromHandle(channel).Complete();
            return 0;
        }
        catch (Exception error)
        {
            return Errors.From(error);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "rf_max_message_size")]
    private static int MaxMessageSize(nint channel)
    {
        try
        {
            return FromHandle(channel).MaxMessageSize;
        }
        catch (Exception error)
        {
            return Errors.From(error);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "rf_unlink")]
    private static int Unlink(byte* path)
    {
        try
        {
            if (path is null)
            {
                return Errors.Fail(Errno.EINVAL, "rf_unlink: NULL path");
            }

            var name = Utf8(path);
            return FicmChannel.Delete(name) ? 0 : Errors.Fail(2, $"rf_unlink: '{name}' does not exist");
        }
        catch (Exception error)
        {
            return Errors.From(error);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "rf_map")]
    private static int Map(byte* path, ulong size, int flags, nint* address, ulong* mappedSize)
    {
        try
        {
            if (path is null || address is null)
            {
                return Errors.Fail(Errno.EINVAL, "rf_map: path and address must not be NULL");
            }

            var zoneFlags = ((flags & MapCreate) != 0 ? SharedZoneFlags.Create : SharedZoneFlags.None)
                | ((flags & MapReadOnly) != 0 ? SharedZoneFlags.ReadOnly : SharedZoneFlags.None);
            var zone = RfCom.Map(Utf8(path), checked((long)size), zoneFlags);
            lock (s_zonesGate)
            {
                s_zones.Add(zone.Address, zone);
            }

            *address = zone.Address;
            if (mappedSize is not null)
            {
                *mappedSize = (ulong)zone.Length;
            }

            return 0;
        }
        catch (Exception error)
        {
            return Errors.From(error);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "rf_unmap")]
    private static int Unmap(nint address)
    {
        try
        {
            SharedZone? zone;
            lock (s_zonesGate)
            {
                s_zones.Remove(address, out zone);
            }

            if (zone is null)
            {
                return Errors.Fail(Errno.EINVAL, $"rf_unmap: 0x{address:x} is not a zone mapped by rf_map");
            }

            RfCom.Unmap(zone);
            return 0;
        }
        catch (Exception error)
        {
            return Errors.From(error);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "rf_last_error")]
    private static int LastError(byte* buffer, nuint capacity)
    {
        var message = Errors.LastError ?? string.Empty;
        var bytes = System.Text.Encoding.UTF8.GetBytes(message);
        if (buffer is not null && capacity > 0)
        {
            var count = (int)Math.Min((nuint)bytes.Length, capacity - 1);
            bytes.AsSpan(0, count).CopyTo(new Span<byte>(buffer, count));
            buffer[count] = 0;
        }

        return bytes.Length;
    }

    private static int WriteCore(nint channel, byte* data, nuint length, ReceiverMask? receivers, int flags)
    {
        try
        {
            var target = FromHandle(channel);
            if (data is null && length != 0)
            {
                return Errors.Fail(Errno.EINVAL, "rf_write: NULL data");
            }

            if (length > (nuint)target.MaxMessageSize)
            {
                return Errors.Fail(Errno.EMSGSIZE, $"rf_write: the message is {length} bytes; the channel carries at most {target.MaxMessageSize}");
            }

            var message = new ReadOnlySpan<byte>(data, (int)length);
            if ((flags & NonBlock) != 0)
            {
                var status = receivers is { } mask ? target.Writer.Offer(message, mask) : target.Writer.Offer(message);
                return status switch
                {
                    FicmWriteStatus.Written => 0,
                    FicmWriteStatus.Full => Errors.Fail(Errno.EAGAIN, "rf_write: a target ring is full"),
                    FicmWriteStatus.Completed => Errors.Fail(Errno.EPIPE, "rf_write: the channel is completed"),
                    _ => Errors.Fail(Errno.ENXIO, "rf_write: no target receiver is attached"),
                };
            }

            if (receivers is { } targets)
            {
                target.Write(message, targets);
            }
            else
            {
                target.Write(message);
            }

            return 0;
        }
        catch (InvalidOperationException error) when (error is not (ObjectDisposedException or ChannelClosedException))
        {
            return Errors.Fail(Errno.ENXIO, error.Message);
        }
        catch (Exception error)
        {
            return Errors.From(error);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static RfComChannel FromHandle(nint channel) =>
        channel == 0 ? throw new ObjectDisposedException("rf_channel", "NULL channel handle") : (RfComChannel)GCHandle.FromIntPtr(channel).Target!;

    private static nint ToHandle(RfComChannel channel) => GCHandle.ToIntPtr(GCHandle.Alloc(channel));

    private static string Utf8(byte* text) => Marshal.PtrToStringUTF8((nint)text) ?? string.Empty;
}
