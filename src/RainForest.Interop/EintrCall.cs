namespace RainForest.Interop;

/// <summary>A libc call that <see cref="Eintr.Retry{TState, TResult}"/> repeats, with its arguments in <paramref name="state"/> so that nothing is allocated per call.</summary>
internal delegate TResult EintrCall<TState, TResult>(ref TState state);
