import type { ActionFunctionArgs } from "@remix-run/node";
import { addShopper, listShoppers, readJson, simulatorApi } from "~/services/simulator.server";

/** `GET`: the simulator's shoppers (and the demo shop's contacts). `POST {name, waId, language}`: a new one. */
export const loader = () => simulatorApi(() => listShoppers());

export const action = ({ request }: ActionFunctionArgs) =>
  simulatorApi(async () => addShopper(await readJson(request)));
