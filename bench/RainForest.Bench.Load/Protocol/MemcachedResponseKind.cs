namespace RainForest.Bench.Load.Protocol;

/// <summary>The kinds of reply to <c>get</c> and <c>set</c> in the memcached text protocol.</summary>
internal enum MemcachedResponseKind
{
    /// <summary><c>VALUE ...</c> blocks then <c>END</c>: the key was found.</summary>
    Hit,

    /// <summary>A bare <c>END</c>: the key was not found.</summary>
    Miss,

    /// <summary><c>STORED</c>.</summary>
    Stored,

    /// <summary><c>NOT_STORED</c> (a condition of add/replace failed; a plain set does not get it).</summary>
    NotStored,

    /// <summary><c>EXISTS</c> (a cas conflict).</summary>
    Exists,

    /// <summary><c>NOT_FOUND</c>.</summary>
    NotFound,

    /// <summary><c>ERROR</c>: the server did not understand the command.</summary>
    Error,

    /// <summary><c>CLIENT_ERROR message</c>: the request was malformed.</summary>
    ClientError,

    /// <summary><c>SERVER_ERROR message</c>: the server failed (out of memory, object too large, ...).</summary>
    ServerError,
}
