using System.Net.Sockets;
using System.Text;
using RainForest.Core;

namespace RainForest.Vm.Guests;

/// <summary>
/// The host's end of a guest's control port (<see cref="AgentGuestImage.ControlPort"/>): QEMU bridges the virtio-serial
/// port to a Unix socket; one command a line, one answer a line.
/// </summary>
public static class GuestControl
{
    /// <summary>Sends <paramref name="command"/> and returns what follows <c>ok</c> in the answer.</summary>
    /// <exception cref="RfException">No answer within <paramref name="timeout"/>, or the guest answered <c>fail</c> (exit code 1).</exception>
    public static string Send(string socketPath, string command, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(command);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            socket.ReceiveTimeout = socket.SendTimeout = (int)timeout.TotalMilliseconds;
            socket.Send(Encoding.ASCII.GetBytes(command + "\n"));

            // What QEMU delivers before the guest opens its end waits in the port; the answer is one short line.
            var answer = new StringBuilder();
            var buffer = new byte[256];
            while (!answer.ToString().Contains('\n', StringComparison.Ordinal))
            {
                var n = socket.Receive(buffer);
                if (n == 0)
                {
                    throw RfException.Failed($"guest control '{command}': the port closed without an answer");
                }

                answer.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }

            var line = answer.ToString()[..answer.ToString().IndexOf('\n', StringComparison.Ordinal)].Trim();
            return line == "ok" ? string.Empty
                : line.StartsWith("ok ", StringComparison.Ordinal) ? line[3..]
                : throw RfException.Failed($"guest control '{command}': {(line.StartsWith("fail ", StringComparison.Ordinal) ? line[5..] : line)}");
        }
        catch (SocketException e)
        {
            throw RfException.Failed($"guest control '{command}' on {socketPath}: {e.Message}");
        }
    }
}
