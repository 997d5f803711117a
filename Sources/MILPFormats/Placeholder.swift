import MILP
