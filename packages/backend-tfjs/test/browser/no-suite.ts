/** Stands in for @lec/backend-tests in the browser bundle until that package is built. */
export {};
