import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Simulator } from "~/components/simulator/Simulator";
import styles from "~/components/simulator/simulator.css?url";
import { listShoppers, requireSimulator, simulatorInfo } from "~/services/simulator.server";

export const meta: MetaFunction = () => [{ title: "Hala — WhatsApp simulator" }];
export const links = () => [{ rel: "stylesheet", href: styles }];

/** `/simulator`: a shopper's WhatsApp, talking to the demo shop's bot (demo mode only; 404 otherwise). */
export const loader = async (_: LoaderFunctionArgs) => {
  requireSimulator();
  const info = await simulatorInfo();
  return { ...info, shoppers: await listShoppers() };
};

export default function SimulatorPage() {
  const { shop, shopName, shoppers } = useLoaderData<typeof loader>();
  return <Simulator shop={shop} shopName={shopName} initialShoppers={shoppers} />;
}
