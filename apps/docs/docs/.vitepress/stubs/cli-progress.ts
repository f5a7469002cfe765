// @lec/nn loads cli-progress only in a Node terminal; pages never do, so the bundle gets this stub.
export default {};
