// The one error type a simulated XAPI method throws: the code first, then its parameters, as
// ErrorDescription carries them. Its own module so that every area of the simulator (api.ts,
// vmOperations.ts, …) can raise it without importing the dispatcher.

/** An XAPI error: the code first, then its parameters, as ErrorDescription carries them. */
export class XapiFailure extends Error {
  constructor(readonly description: string[]) {
    super(description.join(' '));
  }
}
