namespace RainForest.Channels;

/// <summary>A record a reader has claimed and not yet released (or, for a refused claim, the record it saw).</summary>
internal readonly record struct ReadClaim(long Position, int Slots, int Length, uint Lap, int Owner);
