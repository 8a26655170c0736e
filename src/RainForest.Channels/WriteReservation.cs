namespace RainForest.Channels;

/// <summary>A record a writer has claimed and not yet committed.</summary>
internal readonly record struct WriteReservation(long Position, int Slots, uint Lap, int Owner);
