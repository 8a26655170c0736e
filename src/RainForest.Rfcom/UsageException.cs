namespace RainForest.Rfcom;

/// <summary>A mistake on the command line: one line and exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
