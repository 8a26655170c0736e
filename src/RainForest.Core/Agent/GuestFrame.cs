namespace RainForest.Core.Agent;

/// <summary>One frame of the streamed exec protocol.</summary>
/// <param name="Session">The exec session it belongs to, chosen by the host; frames of another session are dropped.</param>
/// <param name="Type">What it carries.</param>
/// <param name="Payload">Its bytes.</param>
public sealed record GuestFrame(uint Session, GuestFrameType Type, byte[] Payload);
