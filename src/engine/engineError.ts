/** An error the Docker API reports with a status and Docker's own words. */
export class EngineError extends Error {
  constructor(
    message: string,
    /** The HTTP status Docker's API answers with. */
    readonly status: number,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}
